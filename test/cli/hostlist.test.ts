// Hostlist expansion (pure): named cases, refusals, and a round-trip property.
import t from 'tap';
import fc from 'fast-check';
import { expandHostlist, expandHostlists, maxHosts } from '../../src/cli/hostlist.js';

const cases: [string, string, string[]][] = [
  ['plain name', 'pbx01', ['pbx01']],
  ['MAC unchanged', '52:54:00:12:34:56', ['52:54:00:12:34:56']],
  ['Cisco MAC unchanged', '5254.0012.3456', ['5254.0012.3456']],
  ['zero-padded range', 'pbx[01-05]', ['pbx01', 'pbx02', 'pbx03', 'pbx04', 'pbx05']],
  ['list and ranges', 'pbx[1,3,7-9]', ['pbx1', 'pbx3', 'pbx7', 'pbx8', 'pbx9']],
  ['padding kept across widths', 'pbx[08-11]', ['pbx08', 'pbx09', 'pbx10', 'pbx11']],
  ['unpadded grows', 'pbx[9-11]', ['pbx9', 'pbx10', 'pbx11']],
  ['zero alone is not padding', 'n[0-2]', ['n0', 'n1', 'n2']],
  ['suffix after bracket', 'pbx[1-2]-eu', ['pbx1-eu', 'pbx2-eu']],
  ['two brackets: product, left to right', 'r[1-2]n[1-2]', ['r1n1', 'r1n2', 'r2n1', 'r2n2']],
  ['top-level commas', 'pbx01,pbx[03-04]', ['pbx01', 'pbx03', 'pbx04']],
  ['single value in brackets', 'pbx[7]', ['pbx7']],
];
t.test('expansion', async (t) => {
  for (const [name, arg, want] of cases) t.same(expandHostlist(arg), want, name);
});

const refused: [string, string, RegExp][] = [
  ['unclosed bracket', 'pbx[01-05', /unclosed "\["/],
  ['stray close', 'pbx01]', /unbalanced "\]"/],
  ['backwards range', 'pbx[5-1]', /runs backwards/],
  ['letters in range', 'pbx[a-c]', /"a-c" is not a number/],
  ['empty brackets', 'pbx[]', /"" is not a number/],
  ['empty name', 'pbx01,,pbx02', /empty name/],
  ['too many', `pbx[1-${maxHosts + 1}]`, /more than 10000/],
  ['product too large', 'a[1-200]b[1-200]', /more than 10000 names/],
];
t.test('refusals are usage errors naming the argument', async (t) => {
  for (const [name, arg, msg] of refused) {
    t.throws(() => expandHostlist(arg), { code: 'E_USAGE', exitCode: 2, message: msg, value: arg }, name);
    t.match((() => { try { expandHostlist(arg); } catch (e) { return (e as Error).message; } })(), `"${arg}"`, `${name}: message quotes the argument`);
  }
});

t.test('several arguments: order kept, duplicates dropped', async (t) => {
  t.same(expandHostlists(['pbx[01-03]', 'pbx02', 'pbx[03-04]']), ['pbx01', 'pbx02', 'pbx03', 'pbx04']);
});

t.test('property: a range expands to exactly its integers, in order', async () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 4 }), (lo, len, width) => {
      const hi = lo + len;
      const pad = (n: number) => String(n).padStart(width, '0');
      const names = expandHostlist(`x[${pad(lo)}-${pad(hi)}]`);
      const padded = width > 1 && pad(lo).startsWith('0');
      return (
        names.length === len + 1 &&
        names.every((n, i) => Number(n.slice(1)) === lo + i) &&
        names.every((n) => !padded || n.length - 1 >= width)
      );
    }),
  );
});

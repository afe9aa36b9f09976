// Hostlist syntax for NODE arguments (pure): `pbx[01-05]`, `pbx[1,3,7-9]`,
// `rack[1-2]-pbx[1-2]`, `pbx01,pbx07` — the notation of Slurm and pdsh.
import { PbxbootError } from '../errors.js';

/** More names than this from one argument is a typo (pbx[1-100000]), not a cluster. */
export const maxHosts = 10_000;

const usage = (arg: string, why: string): PbxbootError =>
  new PbxbootError('E_USAGE', `invalid hostlist "${arg}": ${why}`, { value: arg });

/** Splits on commas outside brackets. */
function splitTop(arg: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of arg) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (depth < 0) throw usage(arg, 'unbalanced "]"');
    if (ch === ',' && depth === 0) (parts.push(cur), (cur = ''));
    else cur += ch;
  }
  if (depth !== 0) throw usage(arg, 'unclosed "["');
  parts.push(cur);
  return parts;
}

/** The values of one bracket's body: `01-05`, `1,3,7-9`. A range keeps the width of a zero-padded start. */
function expandRanges(body: string, arg: string): string[] {
  const out: string[] = [];
  for (const item of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(item);
    if (!m) throw usage(arg, `"${item}" is not a number or a range like 1-5`);
    const [, lo, hi] = m as unknown as [string, string, string | undefined];
    if (hi === undefined) {
      out.push(lo);
      continue;
    }
    const a = Number(lo);
    const b = Number(hi);
    if (b < a) throw usage(arg, `range ${item} runs backwards`);
    if (b - a + 1 > maxHosts) throw usage(arg, `range ${item} has more than ${maxHosts} values`);
    const width = lo.length > 1 && lo.startsWith('0') ? lo.length : 0;
    for (let n = a; n <= b; n++) out.push(String(n).padStart(width, '0'));
  }
  return out;
}

/** One comma-free pattern: the cartesian product of its brackets, left to right. */
function expandPattern(pattern: string, arg: string): string[] {
  let names = [''];
  let rest = pattern;
  while (rest.length) {
    const open = rest.indexOf('[');
    if (open < 0) {
      names = names.map((n) => n + rest);
      break;
    }
    const close = rest.indexOf(']', open);
    if (close < 0) throw usage(arg, 'unclosed "["');
    const prefix = rest.slice(0, open);
    const values = expandRanges(rest.slice(open + 1, close), arg);
    if (names.length * values.length > maxHosts) throw usage(arg, `more than ${maxHosts} names`);
    names = names.flatMap((n) => values.map((v) => n + prefix + v));
    rest = rest.slice(close + 1);
  }
  return names;
}

/** Expands one argument; a plain name, MAC or id comes back unchanged. */
export function expandHostlist(arg: string): string[] {
  if (!arg.includes('[') && !arg.includes(']') && !arg.includes(',')) return [arg];
  const out: string[] = [];
  for (const part of splitTop(arg)) {
    if (part === '') throw usage(arg, 'empty name');
    out.push(...expandPattern(part, arg));
    if (out.length > maxHosts) throw usage(arg, `more than ${maxHosts} names`);
  }
  return out;
}

/** Expands every argument, keeping the first occurrence of each name. */
export function expandHostlists(args: readonly string[]): string[] {
  return [...new Set(args.flatMap(expandHostlist))];
}

// takeLargest against a full sort, on both of its paths (small and large counts).
import t from 'tap';
import fc from 'fast-check';
import { takeLargest } from '../../src/cluster/select.js';

t.test('takes the largest keys, keeps the rest in input order', async (t) => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 60, size: 'max' }), fc.integer({ min: -2, max: 70 }), (items, count) => {
      const { keep, take } = takeLargest(items, count, (s) => s);
      const n = Math.max(0, Math.min(count, items.length));
      const want = [...items].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).slice(items.length - n);
      if (JSON.stringify(take) !== JSON.stringify(items.filter((x) => want.includes(x)))) throw new Error(`took ${take} want ${want}`);
      if (JSON.stringify(keep) !== JSON.stringify(items.filter((x) => !want.includes(x)))) throw new Error(`kept ${keep}`);
    }),
    { numRuns: 500 },
  );
  t.pass('held');
});

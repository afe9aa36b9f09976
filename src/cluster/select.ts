// Pick the `count` items with the largest keys, without sorting the whole list
// when `count` is small: a join or leave takes one or two agents from each of
// hundreds of nodes, so a full sort per node would dominate the balancer. Pure.

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Split `items` (keys unique) into those to keep and the `count` with the largest keys, both in input order. */
export function takeLargest<T>(
  items: readonly T[],
  count: number,
  key: (t: T) => string,
): { keep: readonly T[]; take: readonly T[] } {
  if (count <= 0) return { keep: items, take: [] };
  if (count >= items.length) return { keep: [], take: items };
  let least: string; // the smallest key taken
  if (count > 16) {
    least = items.map(key).sort(cmp)[items.length - count]!;
  } else {
    // `count` linear scans, each for the largest key below the previous one.
    let below: string | null = null;
    least = '';
    for (let k = 0; k < count; k++) {
      let best: string | null = null;
      for (const t of items) {
        const x = key(t);
        if ((below === null || x < below) && (best === null || x > best)) best = x;
      }
      below = best;
      least = best!;
    }
  }
  const keep: T[] = [];
  const take: T[] = [];
  for (const t of items) (key(t) >= least ? take : keep).push(t);
  return { keep, take };
}

// Pick the `count` items with the largest keys, without sorting the whole list
// when `count` is small: a join or leave takes one or two agents from each of
// hundreds of nodes, so a full sort per node would dominate the balancer. Pure.

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Split `items` (keys unique) into those to keep and the `count` with the largest keys, both in input order. */
export function takeLargest<T>(items: readonly T[], count: number, key: (t: T) => string): { keep: T[]; take: T[] } {
  if (count <= 0) return { keep: [...items], take: [] };
  if (count >= items.length) return { keep: [], take: [...items] };
  if (count > 16) {
    const keys = items.map(key).sort(cmp);
    const least = keys[keys.length - count]!; // the smallest key taken
    const keep: T[] = [];
    const take: T[] = [];
    for (const t of items) (key(t) >= least ? take : keep).push(t);
    return { keep, take };
  }
  // count small: `count` linear scans for the next largest key below the last.
  const taken = new Set<number>();
  for (let k = 0; k < count; k++) {
    let best = -1;
    for (let i = 0; i < items.length; i++) {
      if (!taken.has(i) && (best < 0 || key(items[i]!) > key(items[best]!))) best = i;
    }
    taken.add(best);
  }
  const keep: T[] = [];
  const take: T[] = [];
  items.forEach((t, i) => (taken.has(i) ? take : keep).push(t));
  return { keep, take };
}

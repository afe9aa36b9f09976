// How many agents each active node of one tenant should hold (DESIGN §5): the
// capacity-proportional share with pins, apportioned to whole agents. Pure.
//
// Definition, for a tenant with `total` placeable agents and its active nodes:
//  1. Weight: a finite weight > 0 counts as is, anything else counts as 0 (the
//     node takes only its pins); if every node has weight 0, all count as 1.
//  2. Share (water-filling): find λ with Σ max(pinned_i, λ·w_i) = total. A node
//     with pinned_i ≥ λ·w_i is *pin-bound*: its share is exactly pinned_i. The
//     others are *free*: share s_i = λ·w_i = R·w_i/W, R and W being the agents
//     and weight left for the free nodes.
//  3. Apportionment (largest remainder): each free node gets ⌊s_i⌋; the R − Σ⌊s_i⌋
//     remaining seats go one each to free nodes with a fractional share, so
//     every node ends within 1 of its share. Among those, seats go first to a
//     node that already holds more than ⌊s_i⌋ (the seat saves a move, which is
//     what makes the balancer's move count minimal), then to the larger
//     remainder, then to the smaller node id (deterministic).
// A free node's quota is never below its pins: pinned_i < s_i ⇒ pinned_i ≤ ⌊s_i⌋.

export interface QuotaNode {
  id: string;
  weight: number;
  /** agents whose (active) pin is this node: they stay and count toward it */
  pinned: number;
  /** agents that would stay here without a move: its pins plus unpinned agents on it now */
  current: number;
}

export interface QuotaResult {
  quota: Map<string, number>;
  /** nodes whose share is set by their pins (more pins than their proportional share) */
  pinBound: Set<string>;
}

const usable = (w: number): number => (Number.isFinite(w) && w > 0 ? w : 0);
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Target count per node for `total` agents (pins included; total ≥ Σ pinned). */
export function apportion(total: number, nodes: readonly QuotaNode[]): QuotaResult {
  const sorted = [...nodes].sort(byId);
  const allZero = sorted.every((n) => usable(n.weight) === 0);
  const w = sorted.map((n) => (allZero ? 1 : usable(n.weight)));
  const bound = sorted.map(() => false);

  // Water-filling by rounds: λ only decreases as nodes become pin-bound, so a
  // node once bound stays bound; at most one round per node.
  let R = total;
  let W = 0;
  for (;;) {
    R = total;
    W = 0;
    sorted.forEach((n, i) => {
      if (bound[i]) R -= n.pinned;
      else W += w[i]!;
    });
    if (W === 0) break;
    let changed = false;
    sorted.forEach((n, i) => {
      // pinned ≥ R·w/W, compared without division (exact for integer weights)
      if (!bound[i] && n.pinned * W >= R * w[i]!) {
        bound[i] = true;
        changed = true;
      }
    });
    if (!changed) break;
  }

  const quota = new Map<string, number>();
  const pinBound = new Set<string>();
  const seats: { id: string; rem: number; saves: boolean; i: number }[] = [];
  let left = R;
  sorted.forEach((n, i) => {
    if (bound[i] || W === 0) {
      quota.set(n.id, n.pinned);
      pinBound.add(n.id);
      return;
    }
    const numer = R * w[i]!;
    const fl = Math.floor(numer / W);
    quota.set(n.id, fl);
    left -= fl;
    seats.push({ id: n.id, rem: numer - fl * W, saves: n.current > fl, i });
  });
  // Fractional shares first (only they may round up and stay within 1), then
  // the move-saving seat, then the larger remainder, then the node id.
  seats.sort(
    (a, b) =>
      Number(b.rem > 0) - Number(a.rem > 0) ||
      Number(b.saves) - Number(a.saves) ||
      b.rem - a.rem ||
      byId(a, b),
  );
  for (let k = 0; k < left && seats.length > 0; k++) {
    const s = seats[k % seats.length]!;
    quota.set(s.id, quota.get(s.id)! + 1);
  }
  return { quota, pinBound };
}

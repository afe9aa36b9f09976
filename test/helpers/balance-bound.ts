// An independent oracle for the balancer: each active node's ideal share, the
// closed-form minimum number of moves, and a checker. Written apart from
// src/cluster/quota.ts on purpose (different algorithm: pin-bound nodes are a
// prefix when sorted by pins per unit of weight), for tests and bench/.
import type { BalanceAgent, BalanceNode } from '../../src/cluster/balance.js';

export interface Share {
  node: string;
  tenant: string;
  pinned: number;
  /** pin-bound: the share is exactly `pinned` */
  bound: boolean;
  /** free: the share is num/den (exact rationals for integer weights) */
  num: number;
  den: number;
}

const eff = (w: number): number => (Number.isFinite(w) && w > 0 ? w : 0);

/** Ideal (real-valued) share of every active node, per tenant. */
export function shares(agents: readonly BalanceAgent[], nodes: readonly BalanceNode[]): Map<string, Share> {
  const out = new Map<string, Share>();
  const tenants = new Set(nodes.filter((n) => n.state === 'active').map((n) => n.tenant));
  const perTenant = new Map<string, number>();
  const pins = new Map<string, number>(); // "tenant node" → agents of the tenant pinned there
  for (const a of agents) {
    perTenant.set(a.tenant, (perTenant.get(a.tenant) ?? 0) + 1);
    if (a.pinnedNode !== null) pins.set(`${a.tenant} ${a.pinnedNode}`, (pins.get(`${a.tenant} ${a.pinnedNode}`) ?? 0) + 1);
  }
  for (const tenant of tenants) {
    const act = nodes.filter((n) => n.state === 'active' && n.tenant === tenant);
    const total = perTenant.get(tenant) ?? 0;
    const zero = act.every((n) => eff(n.weight) === 0);
    const items = act.map((n) => ({
      id: n.id,
      w: zero ? 1 : eff(n.weight),
      p: pins.get(`${tenant} ${n.id}`) ?? 0,
    }));
    // Most pins per unit of weight first (weight 0 = infinitely many).
    items.sort((a, b) => (a.w === 0 ? -1 : 0) - (b.w === 0 ? -1 : 0) || b.p * a.w - a.p * b.w);
    let k = 0;
    let R = total;
    let W = items.reduce((s, i) => s + i.w, 0);
    while (k < items.length) {
      const it = items[k]!;
      if (W > 0 && it.p * W < R * it.w) break; // first free node: the rest are free too
      R -= it.p;
      W -= it.w;
      k++;
    }
    items.forEach((it, i) =>
      out.set(it.id, { node: it.id, tenant, pinned: it.p, bound: i < k, num: i < k ? it.p : R * it.w, den: i < k ? 1 : W }),
    );
  }
  return out;
}

/**
 * The fewest moves that can reach any balanced assignment: forced moves (no
 * node, a node that cannot keep the agent, a pinned agent away from its pin)
 * plus, per node, the agents above ⌊share⌋ (pins destined there count as on
 * it), minus the round-up seats that can each save one of those moves.
 */
export function minimumMoves(agents: readonly BalanceAgent[], nodes: readonly BalanceNode[]): number {
  const sh = shares(agents, nodes);
  const state = new Map(nodes.map((n) => [n.id, n]));
  const home = (a: BalanceAgent, id: string | null): boolean =>
    id !== null && sh.has(id) && state.get(id)!.tenant === a.tenant;
  const placeable = new Set([...sh.values()].map((s) => s.tenant));
  const perTenant = new Map<string, number>();
  const c = new Map<string, number>();
  let forced = 0;
  for (const a of agents) {
    perTenant.set(a.tenant, (perTenant.get(a.tenant) ?? 0) + 1);
    if (!placeable.has(a.tenant)) continue;
    if (home(a, a.pinnedNode)) {
      c.set(a.pinnedNode!, (c.get(a.pinnedNode!) ?? 0) + 1);
      if (a.node !== a.pinnedNode) forced++;
    } else if (home(a, a.node)) {
      c.set(a.node!, (c.get(a.node!) ?? 0) + 1);
    } else {
      forced++;
    }
  }
  let total = forced;
  const seats = new Map<string, number>(); // tenant → round-up seats
  const savers = new Map<string, number>(); // tenant → fractional nodes holding more than ⌊share⌋
  for (const s of sh.values()) {
    const fl = Math.floor(s.num / s.den);
    const ci = c.get(s.node) ?? 0;
    total += Math.max(0, ci - fl);
    if (!s.bound && s.num % s.den !== 0 && ci > fl) savers.set(s.tenant, (savers.get(s.tenant) ?? 0) + 1);
  }
  for (const s of sh.values()) {
    if (!seats.has(s.tenant)) seats.set(s.tenant, perTenant.get(s.tenant) ?? 0);
    seats.set(s.tenant, seats.get(s.tenant)! - Math.floor(s.num / s.den));
  }
  for (const [t, r] of seats) total -= Math.min(r, savers.get(t) ?? 0);
  return total;
}

/** Every way `assignment` breaks the balance rules (empty when balanced). */
export function violations(
  agents: readonly BalanceAgent[],
  nodes: readonly BalanceNode[],
  assignment: ReadonlyMap<string, string | null>,
): string[] {
  const bad: string[] = [];
  const sh = shares(agents, nodes);
  const placeable = new Set([...sh.values()].map((s) => s.tenant));
  const count = new Map<string, number>();
  for (const a of agents) {
    const to = assignment.get(a.id);
    if (to === undefined) bad.push(`${a.id}: missing from the assignment`);
    if (!placeable.has(a.tenant)) {
      if (to !== null) bad.push(`${a.id}: tenant ${a.tenant} has no active node but got ${to}`);
      continue;
    }
    if (to === null || to === undefined) {
      bad.push(`${a.id}: unplaced although tenant ${a.tenant} has an active node`);
      continue;
    }
    const s = sh.get(to);
    if (!s || s.tenant !== a.tenant) bad.push(`${a.id}: on ${to}, not an active node of ${a.tenant}`);
    if (a.pinnedNode !== null && sh.get(a.pinnedNode)?.tenant === a.tenant && to !== a.pinnedNode) {
      bad.push(`${a.id}: pinned to active ${a.pinnedNode} but sent to ${to}`);
    }
    count.set(to, (count.get(to) ?? 0) + 1);
  }
  for (const s of sh.values()) {
    const n = count.get(s.node) ?? 0;
    if (n < s.pinned) bad.push(`${s.node}: ${n} agents, fewer than its ${s.pinned} pins`);
    // within 1 of the share: |n − num/den| < 1
    if (Math.abs(n * s.den - s.num) >= s.den) bad.push(`${s.node}: ${n} agents, share ${s.num}/${s.den}`);
  }
  return bad;
}

// The agent balancer (DESIGN §5): agents, nodes and pins in, the target
// assignment and the fewest moves that reach it out. Pure and deterministic.
//
// Per tenant, every active node of that tenant ends with exactly its quota
// (src/cluster/quota.ts: within 1 of its capacity-proportional share). Nodes in
// any other state (draining, drained, failed, removed, booting, ...) get no
// agents. Moves are the minimum: an agent stays if it is pinned to the node it
// is on, or is on an active node of its tenant that is not over quota; only
// the surplus of over-quota nodes moves, plus agents that have no node or sit on
// a node that cannot keep them. Among a node's unpinned agents the busy ones are
// kept first, so as few moves as possible have to wait for a call to end.
import { PbxbootError } from '../errors.js';
import type { NodeState } from './nodes.js';
import { apportion, type QuotaNode } from './quota.js';
import { takeLargest } from './select.js';

export interface BalanceAgent {
  id: string;
  tenant: string;
  /** node the agent is pinned to (`agents move --to`), or null */
  pinnedNode: string | null;
  /** on a call now: its move waits for the call to end */
  busy: boolean;
  /** node the agent is assigned to now, or null */
  node: string | null;
}

export interface BalanceNode {
  id: string;
  tenant: string;
  state: NodeState;
  weight: number;
}

export interface Move {
  agent: string;
  from: string | null;
  to: string;
}

export interface Unplaced {
  agent: string;
  tenant: string;
  from: string | null;
}

export interface BalanceResult {
  /** agent id → target node (null: its tenant has no active node); a lookup, iterated in input order */
  assignment: Map<string, string | null>;
  /** moves to apply now, in agent id order */
  moves: Move[];
  /** moves of busy agents, to apply when their call ends (nothing hangs up a call) */
  deferred: Move[];
  /** agents left without a node because their tenant has no active node */
  unplaced: Unplaced[];
  /** target agent count per active node */
  quotas: Map<string, number>;
}

// A busy agent's call runs on its current node; only a node whose daemon is
// still watching (active or draining) will report the call's end. On a failed
// or removed node nobody will, so such an agent is re-homed at once.
const watched: ReadonlySet<NodeState> = new Set(['active', 'draining']);

interface TenantWork {
  nodes: BalanceNode[]; // active nodes of the tenant, by id
  agents: number[]; // positions in the input
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byAgent = (x: { agent: string }, y: { agent: string }): number => cmp(x.agent, y.agent);

// Order independence without sorting all agents (the O(n log n) that would
// dominate at 200,000): wherever a choice depends on order (which surplus
// agents leave a node, which mover goes to which node, output lists) it is
// made by agent id or node id.
export function balance(agents: readonly BalanceAgent[], nodes: readonly BalanceNode[]): BalanceResult {
  const nodeById = new Map<string, BalanceNode>();
  for (const n of nodes) {
    if (nodeById.has(n.id)) throw new PbxbootError('E_USAGE', `duplicate node id ${n.id}`, { value: n.id });
    nodeById.set(n.id, n);
  }
  const tenants = new Map<string, TenantWork>();
  const work = (tenant: string): TenantWork => {
    let w = tenants.get(tenant);
    if (!w) tenants.set(tenant, (w = { nodes: [], agents: [] }));
    return w;
  };
  for (const n of [...nodes].sort((a, b) => cmp(a.id, b.id))) if (n.state === 'active') work(n.tenant).nodes.push(n);
  let last: TenantWork | undefined; // agents usually come grouped by tenant
  for (let i = 0; i < agents.length; i++) {
    const tenant = agents[i]!.tenant;
    if (last === undefined || agents[i - 1]!.tenant !== tenant) last = work(tenant);
    last.agents.push(i);
  }

  const target: (string | null)[] = new Array<string | null>(agents.length).fill(null);
  const id = (i: number): string => agents[i]!.id;
  const byIndex = (x: number, y: number): number => cmp(id(x), id(y));
  const quotas = new Map<string, number>();
  const pool: number[] = []; // agents that need a node, every tenant
  const pinAway: number[] = []; // pinned agents that are not on their pin
  const open = new Map<string, { id: string; room: number }[]>(); // per tenant, nodes by id
  for (const [tenant, t] of tenants) {
    if (t.nodes.length === 0 || t.agents.length === 0) continue;
    const home = new Set(t.nodes.map((n) => n.id));
    const pinned = new Map<string, number>();
    const busyOn = new Map<string, number[]>();
    const idleOn = new Map<string, number[]>();
    for (const i of t.agents) {
      const a = agents[i]!;
      // A pin to a node that is not an active node of the agent's tenant is
      // ignored for this round: the agent is treated as unpinned so it still
      // gets a home. The pin itself is kept and counts again once the node is
      // active.
      if (a.pinnedNode !== null && home.has(a.pinnedNode)) {
        target[i] = a.pinnedNode;
        pinned.set(a.pinnedNode, (pinned.get(a.pinnedNode) ?? 0) + 1);
        if (a.node !== a.pinnedNode) pinAway.push(i);
      } else if (a.node !== null && home.has(a.node)) {
        const on = a.busy ? busyOn : idleOn;
        const list = on.get(a.node);
        if (list) list.push(i);
        else on.set(a.node, [i]);
      } else {
        pool.push(i);
      }
    }
    const qnodes: QuotaNode[] = t.nodes.map((n) => {
      const p = pinned.get(n.id) ?? 0;
      return {
        id: n.id,
        weight: n.weight,
        pinned: p,
        current: p + (busyOn.get(n.id)?.length ?? 0) + (idleOn.get(n.id)?.length ?? 0),
      };
    });
    const { quota } = apportion(t.agents.length, qnodes);
    const rooms: { id: string; room: number }[] = [];
    for (const n of t.nodes) {
      const q = quota.get(n.id)!;
      quotas.set(n.id, q);
      const busy = busyOn.get(n.id) ?? [];
      const idle = idleOn.get(n.id) ?? [];
      const room = q - (pinned.get(n.id) ?? 0);
      const surplus = Math.max(0, busy.length + idle.length - room);
      // Idle agents leave first (largest ids first), busy ones only when no
      // idle one is left, so as few moves as possible wait for a call to end.
      const fromIdle = takeLargest(idle, Math.min(surplus, idle.length), id);
      const fromBusy = takeLargest(busy, surplus - fromIdle.take.length, id);
      for (const i of fromIdle.keep) target[i] = n.id;
      for (const i of fromBusy.keep) target[i] = n.id;
      for (const i of fromIdle.take) pool.push(i);
      for (const i of fromBusy.take) pool.push(i);
      if (room > busy.length + idle.length) rooms.push({ id: n.id, room: room - busy.length - idle.length });
    }
    open.set(tenant, rooms);
  }
  // One sort of all movers: it fixes who goes where and the order of the moves.
  pool.sort(byIndex);
  const cursor = new Map<string, number>();
  let overflow = false;
  for (const i of pool) {
    const tenant = agents[i]!.tenant;
    const rooms = open.get(tenant)!;
    let k = cursor.get(tenant) ?? 0;
    while (rooms[k]?.room === 0) k++;
    const o = rooms[k];
    if (!o) {
      overflow = true; // only duplicate agent ids can cause this: reported below
      continue;
    }
    target[i] = o.id;
    o.room--;
    cursor.set(tenant, k);
  }
  // Duplicate ids are caught by the map's size rather than a lookup per agent
  // (200,000 extra lookups were a third of the run time).
  const assignment = new Map<string, string | null>();
  for (let i = 0; i < agents.length; i++) assignment.set(agents[i]!.id, target[i]!);
  if (assignment.size !== agents.length) {
    const seen = new Set<string>();
    const dup = agents.find((a) => seen.has(a.id) || !seen.add(a.id))!.id;
    throw new PbxbootError('E_USAGE', `duplicate agent id ${dup}`, { value: dup });
  }
  if (overflow) throw new PbxbootError('E_INTERNAL', 'balance: more movers than room');

  const result: BalanceResult = { assignment, moves: [], deferred: [], unplaced: [], quotas };
  for (let i = 0; i < agents.length; i++) {
    const a = agents[i]!;
    if (target[i] === null) result.unplaced.push({ agent: a.id, tenant: a.tenant, from: a.node });
  }
  result.unplaced.sort(byAgent);
  // Moves in agent id order: merge the sorted movers with the sorted pinned ones.
  pinAway.sort(byIndex);
  for (let p = 0, q = 0; p < pool.length || q < pinAway.length; ) {
    const i = q >= pinAway.length || (p < pool.length && byIndex(pool[p]!, pinAway[q]!) < 0) ? pool[p++]! : pinAway[q++]!;
    const a = agents[i]!;
    const from = a.node === null ? undefined : nodeById.get(a.node);
    const waits = a.busy && from !== undefined && watched.has(from.state);
    (waits ? result.deferred : result.moves).push({ agent: a.id, from: a.node, to: target[i]! });
  }
  return result;
}

export interface Strand {
  tenant: string;
  /** the tenant's agents, by id, that would have no active node left */
  agents: string[];
}

/**
 * Would taking `nodeToRemove` out of service (drain, fail, remove) leave its
 * tenant's agents with no active node? The drain command refuses (exit 4)
 * when this returns non-null.
 */
export function wouldStrand(
  agents: readonly BalanceAgent[],
  nodes: readonly BalanceNode[],
  nodeToRemove: string,
): Strand | null {
  const node = nodes.find((n) => n.id === nodeToRemove);
  if (!node) throw new PbxbootError('E_NOT_FOUND', `no node ${nodeToRemove}`, { value: nodeToRemove });
  const others = nodes.some((n) => n.id !== nodeToRemove && n.tenant === node.tenant && n.state === 'active');
  if (others) return null;
  const left = agents.filter((a) => a.tenant === node.tenant).map((a) => a.id).sort(cmp);
  return left.length === 0 ? null : { tenant: node.tenant, agents: left };
}

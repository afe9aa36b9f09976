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
  for (let i = 0; i < agents.length; i++) work(agents[i]!.tenant).agents.push(i);

  const target: (string | null)[] = new Array<string | null>(agents.length).fill(null);
  const id = (i: number): string => agents[i]!.id;
  const quotas = new Map<string, number>();
  for (const [tenant, t] of tenants) {
    if (t.nodes.length === 0 || t.agents.length === 0) continue;
    const home = new Set(t.nodes.map((n) => n.id));
    const pinned = new Map<string, number>();
    const busyOn = new Map<string, number[]>();
    const idleOn = new Map<string, number[]>();
    const pool: number[] = []; // agents that need a node
    for (const i of t.agents) {
      const a = agents[i]!;
      // A pin to a node that is not an active node of the agent's tenant is
      // ignored for this round: the agent is treated as unpinned so it still
      // gets a home. The pin itself is kept and counts again once the node is
      // active.
      if (a.pinnedNode !== null && home.has(a.pinnedNode)) {
        target[i] = a.pinnedNode;
        pinned.set(a.pinnedNode, (pinned.get(a.pinnedNode) ?? 0) + 1);
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
    const open: { id: string; room: number }[] = [];
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
      pool.push(...fromIdle.take, ...fromBusy.take);
      if (room > busy.length + idle.length) open.push({ id: n.id, room: room - busy.length - idle.length });
    }
    pool.sort((x, y) => cmp(id(x), id(y)));
    let k = 0;
    for (const o of open) {
      for (; o.room > 0; o.room--) target[pool[k++]!] = o.id;
    }
    if (k !== pool.length) {
      throw new PbxbootError('E_INTERNAL', `balance: tenant ${tenant} has ${pool.length - k} agents left over`);
    }
  }

  const result: BalanceResult = { assignment: new Map(), moves: [], deferred: [], unplaced: [], quotas };
  for (let i = 0; i < agents.length; i++) {
    const a = agents[i]!;
    const to = target[i]!;
    if (result.assignment.has(a.id)) throw new PbxbootError('E_USAGE', `duplicate agent id ${a.id}`, { value: a.id });
    result.assignment.set(a.id, to);
    if (to === null) {
      result.unplaced.push({ agent: a.id, tenant: a.tenant, from: a.node });
    } else if (to !== a.node) {
      const from = a.node === null ? undefined : nodeById.get(a.node);
      const waits = a.busy && from !== undefined && watched.has(from.state);
      (waits ? result.deferred : result.moves).push({ agent: a.id, from: a.node, to });
    }
  }
  result.moves.sort(byAgent);
  result.deferred.sort(byAgent);
  result.unplaced.sort(byAgent);
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

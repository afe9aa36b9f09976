// The cluster controller: keeps agents balanced over active nodes as nodes
// join, drain, fail and leave, and as calls end. Decisions come from the pure
// balancer; this file only sequences store writes, daemons and events.
import { PbxbootError } from '../errors.js';
import type { EventSink } from '../events/event.js';
import type { NodesRepo } from '../store/nodes-repo.js';
import { balance, wouldStrand, type BalanceAgent, type BalanceNode, type BalanceResult, type Move } from './balance.js';
import type { Node } from './nodes.js';

export interface AgentRow {
  id: string;
  extension: string;
  tenant: string;
  nodeId: string | null;
  pinnedNodeId: string | null;
}

/** The PBX-DB side the controller needs (implemented on src/store/pbx.ts). */
export interface AssignmentStore {
  listAgents(): Promise<AgentRow[]>;
  /** moves applied atomically per batch (agents.node_id and the node views) */
  applyMoves(moves: readonly Move[]): Promise<void>;
  setPin(agentId: string, nodeId: string | null): Promise<void>;
  setDispatcherState(nodeId: string, active: boolean): Promise<void>;
}

/** The supervisor, seen from here. */
export interface Daemons {
  /** the node's daemon must run and watch these agents */
  watch(node: Node, agents: readonly string[]): void;
  stop(nodeId: string): Promise<void>;
  /** calls in progress on a node, as its daemon last reported */
  channels(nodeId: string): number;
}

export interface AssignmentChange {
  agent: string;
  from: string | null;
  to: string | null;
}

export interface ControllerOptions {
  nodes: NodesRepo;
  agents: AssignmentStore;
  daemons: Daemons;
  sink: EventSink;
  /** after every applied change: dashboards, the CMS feed, NOTIFY */
  onAssignments?: (changes: readonly AssignmentChange[]) => void;
  debounceMs?: number;
}

export class ClusterController {
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private agentsCache: AgentRow[] | null = null;
  /** draining nodes the last round left draining: the end of their last call settles them (channelsChanged) */
  private readonly waitingDrains = new Set<string>();

  constructor(private readonly o: ControllerOptions) {}

  isBusy(agent: string): boolean {
    return this.busy.has(agent);
  }

  private async inputs(): Promise<{ agents: BalanceAgent[]; nodes: BalanceNode[]; all: Node[]; rows: AgentRow[] }> {
    const rows = await this.o.agents.listAgents();
    this.agentsCache = rows;
    const all = await this.o.nodes.list();
    return {
      rows,
      all,
      agents: rows.map((a) => ({ id: a.id, tenant: a.tenant, pinnedNode: a.pinnedNodeId, busy: this.busy.has(a.id), node: a.nodeId })),
      nodes: all.map((n) => ({ id: n.id, tenant: n.tenant, state: n.state, weight: n.weight })),
    };
  }

  /** Computes (and unless dryRun applies) one balancing round; serialised. */
  rebalance(opts: { dryRun?: boolean; reason?: string } = {}): Promise<BalanceResult> {
    const run = async () => {
      const { agents, nodes, all } = await this.inputs();
      const result = balance(agents, nodes);
      if (opts.dryRun) return result;
      const changes: AssignmentChange[] = result.moves.map((m) => ({ agent: m.agent, from: m.from, to: m.to }));
      for (const u of result.unplaced) if (u.from !== null && !nodes.some((n) => n.id === u.from && (n.state === 'active' || n.state === 'draining'))) changes.push({ agent: u.agent, from: u.from, to: null });
      if (result.moves.length) {
        for (let i = 0; i < result.moves.length; i += 5000) await this.o.agents.applyMoves(result.moves.slice(i, i + 5000));
        for (const m of result.moves) this.o.sink.emit({ node: m.to, stage: 'agent.moved', detail: { agent: m.agent, from: m.from, to: m.to, reason: opts.reason ?? 'rebalance' } });
      }
      for (const d of result.deferred) this.o.sink.emit({ node: d.from, stage: 'agent.move-deferred', level: 'debug', detail: { agent: d.agent, from: d.from, to: d.to, reason: 'on a call' } });
      // Tell every watching daemon which agents are now its own (busy movers stay watched until their call ends).
      const byNode = new Map<string, string[]>();
      for (const [agent, to] of result.assignment) if (to) (byNode.get(to) ?? byNode.set(to, []).get(to)!).push(agent);
      for (const d of result.deferred) if (d.from) (byNode.get(d.from) ?? byNode.set(d.from, []).get(d.from)!).push(d.agent);
      for (const n of all) if (n.state === 'active' || n.state === 'draining') this.o.daemons.watch(n, byNode.get(n.id) ?? []);
      if (this.agentsCache) {
        const target = new Map(result.moves.map((m) => [m.agent, m.to]));
        for (const a of this.agentsCache) if (target.has(a.id)) a.nodeId = target.get(a.id)!;
      }
      if (changes.length) this.o.onAssignments?.(changes);
      await this.settleDrains(all, result);
      return result;
    };
    const p = this.running.then(run, run);
    this.running = p.catch(() => undefined);
    return p;
  }

  /** Coalesces bursts (many calls ending at once) into one round. */
  schedule(reason: string): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.rebalance({ reason }).catch((err: unknown) => this.o.sink.emit({ stage: 'agent.rebalance-failed', level: 'error', detail: { error: (err as Error).message } }));
    }, this.o.debounceMs ?? 100);
  }

  /** A daemon reported an agent's call state. A call's end may release a deferred move. */
  agentState(nodeId: string, agent: string, isBusy: boolean): void {
    const was = this.busy.has(agent);
    if (isBusy) this.busy.add(agent);
    else this.busy.delete(agent);
    if (was && !isBusy) {
      const row = this.agentsCache?.find((a) => a.id === agent);
      // Only an agent that sits where it should not (draining node, over quota) needs a round.
      if (!row || row.nodeId === nodeId) this.schedule('call ended');
    }
  }

  /** A draining node with no agents and no channels is drained; its daemon stops. */
  private async settleDrains(all: Node[], result: BalanceResult): Promise<void> {
    this.waitingDrains.clear();
    for (const n of all) {
      if (n.state !== 'draining') continue;
      const holding = [...result.assignment.values()].filter((to) => to === n.id).length + result.deferred.filter((d) => d.from === n.id).length;
      if (holding === 0 && this.o.daemons.channels(n.id) === 0) {
        await this.o.nodes.transition(n.id, 'drained', 'drain complete', { cordoned: true });
        await this.o.daemons.stop(n.id);
      } else this.waitingDrains.add(n.id);
    }
  }

  /**
   * A node's daemon counted its channels again. A draining node's count can reach 0 after the round that moved its
   * last agent (the daemon re-counts after the call's events); without a round then, the node stayed draining.
   */
  channelsChanged(nodeId: string, count: number): void {
    if (count === 0 && this.waitingDrains.has(nodeId)) this.schedule('calls ended');
  }

  async drain(ref: string): Promise<Node> {
    const node = await this.o.nodes.get(ref);
    if (node.state === 'draining' || node.state === 'drained') return node;
    const { agents, nodes } = await this.inputs();
    const strand = wouldStrand(agents, nodes, node.id);
    if (strand && node.state === 'active') {
      throw new PbxbootError('E_REFUSED', `draining ${node.name} would leave ${strand.agents.length} agents of tenant ${strand.tenant} with no active node`, { value: node.name });
    }
    const n = await this.o.nodes.transition(node.id, 'draining', 'drain requested', { cordoned: true });
    await this.o.agents.setDispatcherState(node.id, false);
    await this.rebalance({ reason: `drain ${node.name}` });
    return this.o.nodes.get(n.id);
  }

  async undrain(ref: string): Promise<Node> {
    const node = await this.o.nodes.get(ref);
    if (node.state !== 'draining' && node.state !== 'drained') {
      throw new PbxbootError('E_TRANSITION', `node ${node.name} is ${node.state}, not draining or drained`, { value: node.state });
    }
    const n = await this.o.nodes.transition(node.id, 'active', 'undrained', { cordoned: false });
    await this.o.agents.setDispatcherState(node.id, true);
    await this.rebalance({ reason: `undrain ${node.name}` });
    return n;
  }

  /** Pins (or just moves) one agent; busy agents move when their call ends. */
  async move(agent: string, to: string, pin: boolean): Promise<void> {
    const node = await this.o.nodes.get(to);
    if (node.state !== 'active') throw new PbxbootError('E_REFUSED', `node ${node.name} is ${node.state}, not active`, { value: node.name });
    await this.o.agents.setPin(agent, node.id);
    await this.rebalance({ reason: `agent move to ${node.name}` });
    // Without a pin the agent goes there now but the balancer may move it on later.
    if (!pin) await this.o.agents.setPin(agent, null);
  }

  /** A node's daemon connected: the node is active and takes its share. */
  async nodeConnected(nodeId: string): Promise<void> {
    const node = await this.o.nodes.get(nodeId);
    if (node.state === 'ready') await this.o.nodes.transition(node.id, 'active', 'ARI connected');
    this.schedule(`${node.name} active`);
  }

  /** A node's daemon stayed disconnected past the grace period. */
  async nodeFailed(nodeId: string, reason: string): Promise<void> {
    const node = await this.o.nodes.get(nodeId);
    if (node.state === 'failed' || node.state === 'removed') return;
    await this.o.nodes.transition(node.id, 'failed', reason);
    await this.o.agents.setDispatcherState(node.id, false);
    await this.o.daemons.stop(node.id);
    await this.rebalance({ reason: `${node.name} failed` });
  }

  /** Agents, busy agents and calls per node, as of the last round (dashboards, metrics). */
  figures(): { agents: Map<string, number>; busy: Map<string, number>; calls: Map<string, number> } {
    const agents = new Map<string, number>();
    const busy = new Map<string, number>();
    for (const a of this.agentsCache ?? []) {
      if (!a.nodeId) continue;
      agents.set(a.nodeId, (agents.get(a.nodeId) ?? 0) + 1);
      if (this.busy.has(a.id)) busy.set(a.nodeId, (busy.get(a.nodeId) ?? 0) + 1);
    }
    const calls = new Map<string, number>();
    for (const id of agents.keys()) calls.set(id, this.o.daemons.channels(id));
    return { agents, busy, calls };
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

// What a wall TV shows, as one value (pure): nodes with state, agents and calls
// per node, tenants, drains in progress, and the latest boot timelines.
import type { Node } from '../cluster/nodes.js';
import type { BootEvent } from '../events/event.js';

export interface ClusterFigures {
  /** node id → agents assigned */
  agents: Map<string, number>;
  /** node id → calls (channels) in progress */
  calls: Map<string, number>;
  /** node id → busy agents */
  busy: Map<string, number>;
}

export interface DashboardNode {
  id: string;
  name: string;
  state: string;
  tenant: string;
  weight: number;
  agents: number;
  busy: number;
  calls: number;
}

export interface BootTimeline {
  node: string | null;
  mac: string | null;
  steps: { stage: string; t: number; level: string }[];
}

export interface DashboardSnapshot {
  at: number;
  nodes: DashboardNode[];
  totals: { nodes: number; active: number; agents: number; calls: number };
  tenants: string[];
  draining: string[];
  boots: BootTimeline[];
}

export function buildSnapshot(nodes: readonly Node[], figures: ClusterFigures, boots: readonly BootTimeline[], now: number): DashboardSnapshot {
  const visible = nodes.filter((n) => n.state !== 'removed');
  const rows = visible.map((n) => ({
    id: n.id,
    name: n.name,
    state: n.state,
    tenant: n.tenant,
    weight: n.weight,
    agents: figures.agents.get(n.id) ?? 0,
    busy: figures.busy.get(n.id) ?? 0,
    calls: figures.calls.get(n.id) ?? 0,
  }));
  return {
    at: now,
    nodes: rows,
    totals: {
      nodes: rows.length,
      active: rows.filter((n) => n.state === 'active').length,
      agents: rows.reduce((a, n) => a + n.agents, 0),
      calls: rows.reduce((a, n) => a + n.calls, 0),
    },
    tenants: [...new Set(rows.map((n) => n.tenant))].sort(),
    draining: rows.filter((n) => n.state === 'draining').map((n) => n.name),
    boots: [...boots],
  };
}

/** Keeps the last `max` boots' steps (a boot = the events of one MAC/node), newest first. */
export class BootTimelines {
  private readonly byKey = new Map<string, BootTimeline>();
  constructor(private readonly max = 8, private readonly maxSteps = 30) {}
  add(ev: BootEvent): boolean {
    if (!/^(dhcp|tftp|http|agent|node)\./.test(ev.stage) || ev.level === 'debug' || ev.stage === 'agent.heartbeat') return false;
    // Call-center agent moves share the `agent.` prefix with the node agent's
    // boot stages but are not boot steps: 30 moves would push a boot out.
    if (/^agent\.(moved|move-deferred|rebalance)/.test(ev.stage)) return false;
    const key = ev.node ?? ev.mac;
    if (!key) return false;
    let tl = this.byKey.get(key) ?? (ev.mac ? this.byKey.get(ev.mac) : undefined);
    if (!tl) tl = { node: ev.node, mac: ev.mac, steps: [] };
    this.byKey.delete(key);
    if (ev.mac) this.byKey.delete(ev.mac);
    tl.node ??= ev.node;
    tl.mac ??= ev.mac;
    tl.steps.push({ stage: ev.stage, t: ev.time, level: ev.level });
    if (tl.steps.length > this.maxSteps) tl.steps.splice(0, tl.steps.length - this.maxSteps);
    this.byKey.set(key, tl);
    while (this.byKey.size > this.max) this.byKey.delete(this.byKey.keys().next().value!);
    return true;
  }
  list(): BootTimeline[] {
    return [...this.byKey.values()].reverse();
  }
}

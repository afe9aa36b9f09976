// Balancer: compute time at 2,000 agents / 25 nodes and 200,000 / 500, and the
// moves after one node joins and one leaves, beside the closed-form minimum.
import { performance } from 'node:perf_hooks';
import { balance, type BalanceAgent, type BalanceNode, type BalanceResult } from '../src/cluster/balance.js';
import { minimumMoves, violations } from '../test/helpers/balance-bound.js';
import type { Bench, BenchRow } from './types.js';

/** Deterministic PRNG (mulberry32) so every run balances the same cluster. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** One tenant, capacity weights 1–4, 1 % of agents pinned, 10 % on a call, in random order. */
function cluster(agentCount: number, nodeCount: number): { agents: BalanceAgent[]; nodes: BalanceNode[] } {
  const r = rng(agentCount * 31 + nodeCount);
  const nodes: BalanceNode[] = Array.from({ length: nodeCount }, (_, i) => ({
    id: `node-${String(i).padStart(4, '0')}`,
    tenant: 'acme',
    state: 'active',
    weight: 1 + Math.floor(r() * 4),
  }));
  const agents: BalanceAgent[] = Array.from({ length: agentCount }, (_, i) => ({
    id: `agent-${String(i).padStart(6, '0')}`,
    tenant: 'acme',
    pinnedNode: r() < 0.01 ? nodes[Math.floor(r() * nodeCount)]!.id : null,
    busy: r() < 0.1,
    node: null,
  }));
  // Shuffled, so the compute time includes the balancer's sort by agent id
  // (it skips the sort when the input is already in id order).
  for (let i = agents.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [agents[i], agents[j]] = [agents[j]!, agents[i]!];
  }
  return { agents, nodes };
}

const settle = (agents: BalanceAgent[], r: BalanceResult): BalanceAgent[] =>
  agents.map((a) => ({ ...a, node: r.assignment.get(a.id) ?? null }));

function timed(runs: number, f: () => BalanceResult): { ms: number; result: BalanceResult } {
  const times: number[] = [];
  let result: BalanceResult | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, result: result! };
}

function timedMs(runs: number, f: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const bench: Bench = async ({ quick, log }) => {
  const rows: BenchRow[] = [];
  for (const [agentCount, nodeCount] of [
    [2_000, 25],
    [200_000, 500],
  ] as const) {
    const size = `${agentCount.toLocaleString('en')} agents / ${nodeCount} nodes`;
    const runs = quick ? 1 : agentCount > 10_000 ? 5 : 20;
    const { agents, nodes } = cluster(agentCount, nodeCount);

    const cold = timed(runs, () => balance(agents, nodes));
    const settled = settle(agents, cold.result);
    const steady = timed(runs, () => balance(settled, nodes));
    if (steady.result.moves.length + steady.result.deferred.length) throw new Error('balanced cluster moved agents');

    const joined = [...nodes, { id: 'node-new', tenant: 'acme', state: 'active' as const, weight: 2 }];
    const join = timed(runs, () => balance(settled, joined));
    // The heaviest node leaves (drain): the worst single leave.
    const heaviest = [...nodes].sort((a, b) => b.weight - a.weight || (a.id < b.id ? -1 : 1))[0]!;
    const left = nodes.map((n) => (n.id === heaviest.id ? { ...n, state: 'draining' as const } : n));
    const leave = timed(runs, () => balance(settled, left));

    for (const [what, nodeSet, res] of [
      ['cold start', nodes, cold.result],
      ['1 join', joined, join.result],
      ['1 leave', left, leave.result],
    ] as const) {
      const bad = violations(what === 'cold start' ? agents : settled, nodeSet, res.assignment);
      if (bad.length) throw new Error(`${size} ${what}: unbalanced: ${bad.slice(0, 3).join('; ')}`);
    }

    // Floor: building the agent → node map of the result alone, measured in the
    // same run (on a loaded machine this shows how much is the machine).
    const floor = timedMs(runs, () => {
      const m = new Map<string, string | null>();
      for (const a of settled) m.set(a.id, a.node);
      return m.size;
    });
    const peers = { 'output map alone': floor };
    rows.push(
      { group: 'balance', metric: `compute, cold start, ${size}`, unit: 'ms', pbxboot: cold.ms, peers, note: 'target < 500 ms at 200k/500' },
      { group: 'balance', metric: `compute, already balanced, ${size}`, unit: 'ms', pbxboot: steady.ms, peers },
      { group: 'balance', metric: `compute after 1 join, ${size}`, unit: 'ms', pbxboot: join.ms, peers },
      { group: 'balance', metric: `compute after 1 leave, ${size}`, unit: 'ms', pbxboot: leave.ms, peers },
    );
    for (const [what, before, nodeSet, res] of [
      ['cold start', agents, nodes, cold.result],
      ['1 join (weight 2)', settled, joined, join.result],
      [`1 leave (${heaviest.id}, weight ${heaviest.weight}, drains)`, settled, left, leave.result],
    ] as const) {
      const moves = res.moves.length + res.deferred.length;
      rows.push({
        group: 'balance',
        metric: `moves after ${what}, ${size}`,
        unit: 'moves',
        pbxboot: moves,
        peers: { minimum: minimumMoves(before, nodeSet) },
        note: `${res.deferred.length} deferred (busy)`,
      });
    }
    log(`${size}: cold ${cold.ms.toFixed(1)} ms, join ${join.ms.toFixed(1)} ms, leave ${leave.ms.toFixed(1)} ms (median of ${runs})`);
  }
  return rows;
};

export default bench;

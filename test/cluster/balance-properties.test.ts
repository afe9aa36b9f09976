// Property-based tests of the balancer (STYLE rule 6): random clusters, joins,
// leaves, weight changes and pins; checked against the independent oracle in
// test/helpers/balance-bound.ts.
import t from 'tap';
import fc from 'fast-check';
import { balance, wouldStrand, type BalanceAgent, type BalanceNode, type BalanceResult } from '../../src/cluster/balance.js';
import { nodeStates, type NodeState } from '../../src/cluster/nodes.js';
import { minimumMoves, violations } from '../helpers/balance-bound.js';

const tenants = ['t1', 't2', 't3'];
// Mostly active nodes, so the interesting (balancing) cases dominate.
const stateArb: fc.Arbitrary<NodeState> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<NodeState>('active') },
  { weight: 1, arbitrary: fc.constantFrom(...nodeStates) },
);
const weightArb = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.constant(0) });

interface Cluster {
  nodes: BalanceNode[];
  agents: BalanceAgent[];
}

const clusterArb: fc.Arbitrary<Cluster> = fc
  .array(fc.record({ tenant: fc.constantFrom(...tenants), state: stateArb, weight: weightArb }), { maxLength: 8 })
  .chain((ns) => {
    const nodes = ns.map((n, i) => ({ id: `n${i}`, ...n }));
    const ref = fc.oneof(
      { weight: 2, arbitrary: fc.constant(null) },
      { weight: 4, arbitrary: nodes.length ? fc.constantFrom(...nodes.map((n) => n.id)) : fc.constant(null) },
      { weight: 1, arbitrary: fc.constant('ghost') },
    );
    const agent = fc.record({
      tenant: fc.constantFrom(...tenants),
      node: ref,
      pinnedNode: fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: ref }),
      busy: fc.boolean(),
    });
    return fc.array(agent, { maxLength: 80 }).map((as) => ({ nodes, agents: as.map((a, i) => ({ id: `a${i}`, ...a })) }));
  });

/** The cluster after every move (immediate and deferred) has been applied. */
const settle = (c: Cluster, r: BalanceResult): Cluster => ({
  nodes: c.nodes,
  agents: c.agents.map((a) => ({ ...a, node: r.assignment.get(a.id) ?? null })),
});

function check(c: Cluster): BalanceResult {
  const r = balance(c.agents, c.nodes);
  const bad = violations(c.agents, c.nodes, r.assignment);
  if (bad.length) throw new Error(`unbalanced: ${bad.join('; ')}`);
  const min = minimumMoves(c.agents, c.nodes);
  const n = r.moves.length + r.deferred.length;
  if (n !== min) throw new Error(`${n} moves, minimum ${min}`);
  const byId = new Map(c.agents.map((a) => [a.id, a]));
  for (const m of [...r.moves, ...r.deferred]) {
    if (byId.get(m.agent)!.node !== m.from || r.assignment.get(m.agent) !== m.to || m.from === m.to) {
      throw new Error(`move ${JSON.stringify(m)} disagrees with input or assignment`);
    }
  }
  for (const m of r.deferred) if (!byId.get(m.agent)!.busy) throw new Error(`idle agent ${m.agent} deferred`);
  for (const m of r.moves) {
    const a = byId.get(m.agent)!;
    const from = c.nodes.find((x) => x.id === a.node);
    if (a.busy && from && (from.state === 'active' || from.state === 'draining')) {
      throw new Error(`busy agent ${m.agent} moved off a live node now`);
    }
  }
  const unchanged = c.agents.filter((a) => r.assignment.get(a.id) === a.node || r.assignment.get(a.id) === null).length;
  if (unchanged + n !== c.agents.length) throw new Error('an agent changed node without a move');
  return r;
}

const runs = { numRuns: 300 };

t.test('balanced, minimal, consistent on random clusters', async (t) => {
  fc.assert(fc.property(clusterArb, (c) => void check(c)), runs);
  t.pass('held');
});

t.test('deterministic under input shuffles', async (t) => {
  const shuffled = clusterArb.chain((c) =>
    fc.tuple(fc.constant(c), fc.shuffledSubarray(c.agents, { minLength: c.agents.length }), fc.shuffledSubarray(c.nodes, { minLength: c.nodes.length })),
  );
  fc.assert(
    fc.property(shuffled, ([c, agents, nodes]) => {
      const a = balance(c.agents, c.nodes);
      const b = balance(agents, nodes);
      const plain = (r: BalanceResult) => ({ ...r, assignment: [...r.assignment].sort(), quotas: [...r.quotas].sort() });
      if (JSON.stringify(plain(a)) !== JSON.stringify(plain(b))) throw new Error('order changed the result');
    }),
    runs,
  );
  t.pass('held');
});

t.test('idempotent: balancing its own output moves nothing', async (t) => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const again = balance(settle(c, balance(c.agents, c.nodes)).agents, c.nodes);
      if (again.moves.length || again.deferred.length) throw new Error(`moved ${JSON.stringify([...again.moves, ...again.deferred])}`);
    }),
    runs,
  );
  t.pass('held');
});

t.test('with only the immediate moves applied, a rebalance moves no idle agent and defers the same number', async (t) => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const r = balance(c.agents, c.nodes);
      const now = new Map(r.moves.map((m) => [m.agent, m.to]));
      const agents = c.agents.map((a) => ({ ...a, node: now.get(a.id) ?? a.node }));
      const again = balance(agents, c.nodes);
      if (again.moves.length) throw new Error(`moved now: ${JSON.stringify(again.moves)}`);
      if (again.deferred.length !== r.deferred.length) throw new Error(`${again.deferred.length} deferred, was ${r.deferred.length}`);
    }),
    runs,
  );
  t.pass('held');
});

type Event =
  | { kind: 'join'; tenant: string; weight: number }
  | { kind: 'leave'; node: number; state: NodeState }
  | { kind: 'weight'; node: number; weight: number }
  | { kind: 'pin'; agent: number; node: number }
  | { kind: 'unpin'; agent: number }
  | { kind: 'add'; tenant: string }
  | { kind: 'call'; agent: number; busy: boolean };

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), tenant: fc.constantFrom(...tenants), weight: weightArb }),
  fc.record({ kind: fc.constant('leave' as const), node: fc.nat(), state: fc.constantFrom<NodeState>('draining', 'drained', 'failed', 'removed') }),
  fc.record({ kind: fc.constant('weight' as const), node: fc.nat(), weight: weightArb }),
  fc.record({ kind: fc.constant('pin' as const), agent: fc.nat(), node: fc.nat() }),
  fc.record({ kind: fc.constant('unpin' as const), agent: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), tenant: fc.constantFrom(...tenants) }),
  fc.record({ kind: fc.constant('call' as const), agent: fc.nat(), busy: fc.boolean() }),
);

function apply(c: Cluster, e: Event, step: number): Cluster {
  const nodes = c.nodes.map((n) => ({ ...n }));
  const agents = c.agents.map((a) => ({ ...a }));
  const n = nodes.length ? nodes[('node' in e ? e.node : 0) % nodes.length] : undefined;
  const a = agents.length ? agents[('agent' in e ? e.agent : 0) % agents.length] : undefined;
  if (e.kind === 'join') nodes.push({ id: `j${step}`, tenant: e.tenant, state: 'active', weight: e.weight });
  else if (e.kind === 'leave' && n) n.state = e.state;
  else if (e.kind === 'weight' && n) n.weight = e.weight;
  else if (e.kind === 'pin' && a && n) a.pinnedNode = n.id;
  else if (e.kind === 'unpin' && a) a.pinnedNode = null;
  else if (e.kind === 'add') agents.push({ id: `b${step}`, tenant: e.tenant, node: null, pinnedNode: null, busy: false });
  else if (e.kind === 'call' && a) a.busy = e.busy;
  return { nodes, agents };
}

t.test('joins, leaves, weight changes and pins on a balanced cluster: each rebalance is balanced and minimal', async (t) => {
  fc.assert(
    fc.property(clusterArb, fc.array(eventArb, { minLength: 1, maxLength: 6 }), (c0, events) => {
      let c = settle(c0, check(c0));
      events.forEach((e, i) => {
        c = apply(c, e, i);
        c = settle(c, check(c));
      });
    }),
    { numRuns: 200 },
  );
  t.pass('held');
});

t.test('wouldStrand agrees with balancing after the node leaves', async (t) => {
  const withNode = clusterArb.filter((c) => c.nodes.length > 0).chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...c.nodes)));
  fc.assert(
    fc.property(withNode, ([c, gone]) => {
      const s = wouldStrand(c.agents, c.nodes, gone.id);
      const after = balance(c.agents, c.nodes.map((n) => (n.id === gone.id ? { ...n, state: 'draining' as const } : n)));
      const stranded = after.unplaced.filter((u) => u.tenant === gone.tenant).map((u) => u.agent);
      if (JSON.stringify(s?.agents ?? []) !== JSON.stringify(stranded)) {
        throw new Error(`wouldStrand ${JSON.stringify(s)} vs unplaced ${JSON.stringify(stranded)}`);
      }
    }),
    runs,
  );
  t.pass('held');
});

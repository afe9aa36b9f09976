// The balancer as a named-case table (DESIGN §5); properties are in balance-properties.test.ts.
import t from 'tap';
import { balance, wouldStrand, type BalanceAgent, type BalanceNode } from '../../src/cluster/balance.js';
import { minimumMoves, violations } from '../helpers/balance-bound.js';
import type { NodeState } from '../../src/cluster/nodes.js';

const node = (id: string, state: NodeState = 'active', weight = 1, tenant = 't'): BalanceNode => ({ id, tenant, state, weight });
const agent = (id: string, on: string | null, o: Partial<BalanceAgent> = {}): BalanceAgent => ({
  id,
  tenant: 't',
  pinnedNode: null,
  busy: false,
  node: on,
  ...o,
});
/** `n` agents a<prefix>00.. on `on` */
const many = (n: number, on: string | null, prefix: string, o: Partial<BalanceAgent> = {}): BalanceAgent[] =>
  Array.from({ length: n }, (_, i) => agent(`a${prefix}${String(i).padStart(2, '0')}`, on, o));
const counts = (m: ReadonlyMap<string, string | null>): Record<string, number> => {
  const c: Record<string, number> = {};
  for (const v of m.values()) c[v ?? 'null'] = (c[v ?? 'null'] ?? 0) + 1;
  return c;
};

interface Case {
  name: string;
  agents: BalanceAgent[];
  nodes: BalanceNode[];
  counts: Record<string, number>;
  moves: number; // immediate + deferred
  deferred?: string[];
  moved?: string[]; // agents expected among the immediate moves
  unplaced?: string[];
}

const cases: Case[] = [
  { name: 'empty cluster', agents: [], nodes: [], counts: {}, moves: 0 },
  {
    name: 'cold start: 10 agents on 3 equal nodes, the extra seat by node id',
    agents: many(10, null, 'x'),
    nodes: [node('n3'), node('n1'), node('n2')],
    counts: { n1: 4, n2: 3, n3: 3 },
    moves: 10,
  },
  {
    name: 'capacity weights 1:3',
    agents: many(8, null, 'x'),
    nodes: [node('n1', 'active', 1), node('n2', 'active', 3)],
    counts: { n1: 2, n2: 6 },
    moves: 8,
  },
  {
    name: 'join: 4/3/3 plus an empty node moves 2, the seats that save moves stay',
    agents: [...many(4, 'n1', '1'), ...many(3, 'n2', '2'), ...many(3, 'n3', '3')],
    nodes: [node('n1'), node('n2'), node('n3'), node('n4')],
    counts: { n1: 3, n2: 3, n3: 2, n4: 2 },
    moves: 2,
  },
  {
    name: 'a node already holding the round-up seat keeps it (3 on n2 of 2 nodes: 1 move, not 2)',
    agents: many(3, 'n2', '2'),
    nodes: [node('n1'), node('n2')],
    counts: { n1: 1, n2: 2 },
    moves: 1,
  },
  {
    name: 'leave: a draining node gets none, its idle agents move now',
    agents: [...many(2, 'n1', '1'), ...many(2, 'n2', '2'), ...many(2, 'n3', '3')],
    nodes: [node('n1'), node('n2', 'draining'), node('n3')],
    counts: { n1: 3, n3: 3 },
    moves: 2,
    moved: ['a200', 'a201'],
  },
  {
    name: 'drain with live calls: busy agents are deferred, never hung up',
    agents: [...many(2, 'n1', '1'), agent('a20', 'n2', { busy: true }), agent('a21', 'n2')],
    nodes: [node('n1'), node('n2', 'draining')],
    counts: { n1: 4 },
    moves: 2,
    moved: ['a21'],
    deferred: ['a20'],
  },
  {
    name: 'a busy agent on a failed node is re-homed at once (no daemon will report its call end)',
    agents: [agent('a1', 'n2', { busy: true })],
    nodes: [node('n1'), node('n2', 'failed')],
    counts: { n1: 1 },
    moves: 1,
    moved: ['a1'],
  },
  {
    name: 'surplus: the idle agent moves, the busy one stays',
    agents: [agent('a1', 'n1', { busy: true }), agent('a2', 'n1'), agent('a3', 'n2')],
    nodes: [node('n1'), node('n2'), node('n3')],
    counts: { n1: 1, n2: 1, n3: 1 },
    moves: 1,
    moved: ['a2'],
  },
  {
    name: 'surplus of busy agents only: the move is deferred',
    agents: [agent('a1', 'n1', { busy: true }), agent('a2', 'n1', { busy: true })],
    nodes: [node('n1'), node('n2')],
    counts: { n1: 1, n2: 1 },
    moves: 1,
    deferred: ['a2'],
  },
  {
    name: 'pins stay and count: 6 pinned to n1 exceed its share, n2 takes the rest',
    agents: [...many(6, 'n1', 'p', { pinnedNode: 'n1' }), ...many(2, 'n1', 'u')],
    nodes: [node('n1'), node('n2')],
    counts: { n1: 6, n2: 2 },
    moves: 2,
  },
  {
    name: 'a pinned agent away from its pin moves to it',
    agents: [agent('a1', 'n2', { pinnedNode: 'n1' }), agent('a2', 'n1')],
    nodes: [node('n1'), node('n2')],
    counts: { n1: 1, n2: 1 },
    moves: 2,
  },
  {
    name: 'a pin to a draining node is ignored: the agent is treated as unpinned',
    agents: [agent('a1', 'n2', { pinnedNode: 'n2' }), agent('a2', 'n1')],
    nodes: [node('n1'), node('n2', 'draining'), node('n3')],
    counts: { n1: 1, n3: 1 },
    moves: 1,
  },
  {
    name: 'weight 0: the node keeps only its pins',
    agents: [agent('a1', 'n1', { pinnedNode: 'n1' }), agent('a2', 'n1'), agent('a3', null)],
    nodes: [node('n1', 'active', 0), node('n2', 'active', 2)],
    counts: { n1: 1, n2: 2 },
    moves: 2,
  },
  {
    name: 'every weight 0: counted as equal',
    agents: many(4, null, 'x'),
    nodes: [node('n1', 'active', 0), node('n2', 'active', 0)],
    counts: { n1: 2, n2: 2 },
    moves: 4,
  },
  {
    name: 'tenants are separate; agents on a node of another tenant move home',
    agents: [agent('a1', 'm1', { tenant: 't' }), agent('b1', 'm1', { tenant: 'u' }), agent('b2', 'n1', { tenant: 'u' })],
    nodes: [node('n1'), node('m1', 'active', 1, 'u')],
    counts: { n1: 1, m1: 2 },
    moves: 2,
  },
  {
    name: 'a tenant with no active node: its agents are unplaced, not moved',
    agents: [agent('a1', 'n1'), agent('a2', null), agent('b1', 'm1', { tenant: 'u' })],
    nodes: [node('n1', 'drained'), node('m1', 'active', 1, 'u')],
    counts: { null: 2, m1: 1 },
    moves: 0,
    unplaced: ['a1', 'a2'],
  },
  {
    name: 'agents on an unknown node are placed',
    agents: [agent('a1', 'ghost'), agent('a2', 'ghost', { busy: true })],
    nodes: [node('n1')],
    counts: { n1: 2 },
    moves: 2,
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const r = balance(c.agents, c.nodes);
    t.same(counts(r.assignment), c.counts, 'agents per node');
    t.equal(r.moves.length + r.deferred.length, c.moves, 'moves');
    t.equal(c.moves, minimumMoves(c.agents, c.nodes), 'the closed-form minimum agrees');
    t.same(violations(c.agents, c.nodes, r.assignment), [], 'balanced');
    t.same(r.deferred.map((m) => m.agent), c.deferred ?? [], 'deferred');
    for (const a of c.moved ?? []) t.ok(r.moves.some((m) => m.agent === a), `${a} moves now`);
    t.same(r.unplaced.map((u) => u.agent), c.unplaced ?? [], 'unplaced');
    for (const m of [...r.moves, ...r.deferred]) {
      t.equal(r.assignment.get(m.agent), m.to, `${m.agent} move agrees with the assignment`);
      t.equal(c.agents.find((a) => a.id === m.agent)?.node ?? null, m.from, `${m.agent} moves from where it is`);
    }
  });
}

t.test('moves carry from/to and come in agent id order whatever the input order', async (t) => {
  const r = balance([agent('b', 'n1'), agent('a', 'n1'), agent('c', null)], [node('n1', 'draining'), node('n2')]);
  t.same(r.moves, [
    { agent: 'a', from: 'n1', to: 'n2' },
    { agent: 'b', from: 'n1', to: 'n2' },
    { agent: 'c', from: null, to: 'n2' },
  ]);
  t.same([...r.assignment.entries()].sort(), [['a', 'n2'], ['b', 'n2'], ['c', 'n2']]);
  t.same([...r.quotas], [['n2', 3]], 'quotas only for active nodes');
});

t.test('duplicate ids are refused', async (t) => {
  t.throws(() => balance([agent('a', null), agent('a', null)], [node('n1')]), { code: 'E_USAGE' });
  t.throws(() => balance([], [node('n1'), node('n1')]), { code: 'E_USAGE' });
  const crowd = [agent('a', 'n1'), agent('a', 'n1'), agent('a', 'n1'), agent('b', 'n1', { pinnedNode: 'n1' })];
  t.throws(() => balance(crowd, [node('n1'), node('n2')]), { code: 'E_USAGE' }, 'duplicates on an over-quota node');
});

t.test('wouldStrand', async (t) => {
  const nodes = [node('n1'), node('n2'), node('m1', 'active', 1, 'u'), node('k1', 'draining', 1, 'v')];
  const agents = [agent('a1', 'n1'), agent('b2', 'm1', { tenant: 'u' }), agent('b1', 'm1', { tenant: 'u' })];
  t.equal(wouldStrand(agents, nodes, 'n1'), null, 'n2 is left for tenant t');
  t.same(wouldStrand(agents, nodes, 'm1'), { tenant: 'u', agents: ['b1', 'b2'] }, 'last active node of tenant u');
  t.equal(wouldStrand(agents, nodes, 'k1'), null, 'tenant v has no agents');
  t.equal(wouldStrand([], [node('n1')], 'n1'), null, 'no agents, nothing stranded');
  t.throws(() => wouldStrand(agents, nodes, 'zz'), { code: 'E_NOT_FOUND' });
});

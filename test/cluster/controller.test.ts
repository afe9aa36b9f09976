// Controller sequencing on a real state store: joins spread agents, drain
// moves idle agents now and busy ones at call end, then the node is drained.
// The PBX side here is an in-memory AssignmentStore; the PostgreSQL one is
// tested in the integration suite.
import t from 'tap';
import { openSqlite } from '../../src/store/sqlite.js';
import { migrate } from '../../src/store/migrate.js';
import { stateStoreOn } from '../../src/store/state-store.js';
import { ClusterController, type AgentRow, type AssignmentStore, type Daemons } from '../../src/cluster/controller.js';
import type { Move } from '../../src/cluster/balance.js';
import type { BootEventInput } from '../../src/events/event.js';

function memoryAgents(n: number): AssignmentStore & { rows: AgentRow[]; dispatcher: Map<string, boolean> } {
  const rows: AgentRow[] = Array.from({ length: n }, (_, i) => ({ id: `a${String(i).padStart(3, '0')}`, extension: String(1000 + i), tenant: 'default', nodeId: null, pinnedNodeId: null }));
  const dispatcher = new Map<string, boolean>();
  return {
    rows,
    dispatcher,
    listAgents: async () => rows.map((r) => ({ ...r })),
    applyMoves: async (moves: readonly Move[]) => {
      for (const m of moves) rows.find((r) => r.id === m.agent)!.nodeId = m.to;
    },
    setPin: async (id, node) => void (rows.find((r) => r.id === id)!.pinnedNodeId = node),
    setDispatcherState: async (node, active) => void dispatcher.set(node, active),
  };
}

t.test('join, drain with busy agents, undrain', async (t) => {
  const db = openSqlite(':memory:');
  await migrate(db, 'state');
  const store = stateStoreOn(db);
  const agents = memoryAgents(30);
  const watched = new Map<string, readonly string[]>();
  const stopped: string[] = [];
  const channels = new Map<string, number>();
  const daemons: Daemons = {
    watch: (n, a) => void watched.set(n.id, a),
    stop: async (id) => void stopped.push(id),
    channels: (id) => channels.get(id) ?? 0,
  };
  const events: BootEventInput[] = [];
  const c = new ClusterController({ nodes: store.nodes, agents, daemons, sink: { emit: (e) => events.push(e) }, debounceMs: 1 });
  t.teardown(() => c.close());
  const count = (id: string) => agents.rows.filter((r) => r.nodeId === id).length;

  const ids: string[] = [];
  for (const name of ['pbx01', 'pbx02', 'pbx03']) {
    const n = await store.nodes.create({ name, macs: [`52:54:00:00:00:0${ids.length + 1}`] });
    await store.nodes.transition(n.id, 'booting');
    await store.nodes.transition(n.id, 'ready');
    ids.push(n.id);
    await c.nodeConnected(n.id);
    await new Promise((r) => setTimeout(r, 20));
    await c.rebalance();
    const counts = ids.map(count);
    t.same(counts, ids.map(() => 30 / ids.length), `even after ${name} joins: ${counts}`);
  }
  t.equal((await store.nodes.get('pbx01')).state, 'active');
  t.same(watched.get(ids[0]!)!.length, 10, 'daemon told its agents');

  // 5 agents of pbx01 are on calls.
  const onPbx1 = agents.rows.filter((r) => r.nodeId === ids[0]).map((r) => r.id);
  const busy = onPbx1.slice(0, 5);
  for (const a of busy) c.agentState(ids[0]!, a, true);
  channels.set(ids[0]!, 5);
  await c.drain('pbx01');
  t.equal((await store.nodes.get('pbx01')).state, 'draining');
  t.equal(agents.dispatcher.get(ids[0]!), false, 'dispatcher row inactive: no new calls');
  t.same(agents.rows.filter((r) => r.nodeId === ids[0]).map((r) => r.id).sort(), [...busy].sort(), 'only the busy agents stay');
  t.equal(count(ids[1]!) + count(ids[2]!), 25, 'the 5 idle agents moved at once');
  for (const a of busy.slice(0, 4)) c.agentState(ids[0]!, a, false);
  channels.set(ids[0]!, 1);
  await new Promise((r) => setTimeout(r, 30));
  await c.rebalance();
  t.same(agents.rows.filter((r) => r.nodeId === ids[0]).map((r) => r.id), [busy[4]], 'each agent moves when its call ends');
  t.equal((await store.nodes.get('pbx01')).state, 'draining', 'not drained while a call runs');
  c.agentState(ids[0]!, busy[4]!, false);
  channels.set(ids[0]!, 0);
  await new Promise((r) => setTimeout(r, 30));
  await c.rebalance();
  t.equal(count(ids[0]!), 0);
  t.same([count(ids[1]!), count(ids[2]!)], [15, 15]);
  t.equal((await store.nodes.get('pbx01')).state, 'drained');
  t.same(stopped, [ids[0]], 'daemon stopped once drained');
  t.ok(events.some((e) => e.stage === 'agent.moved'), 'moves are events');

  await c.undrain('pbx01');
  t.same(ids.map(count), [10, 10, 10], 'undrain rebalances');
  t.equal(agents.dispatcher.get(ids[0]!), true);

  // Refuse a drain that strands a tenant.
  const solo = await store.nodes.create({ name: 'solo', macs: ['52:54:00:00:00:99'], tenant: 'other' });
  await store.nodes.transition(solo.id, 'booting');
  await store.nodes.transition(solo.id, 'ready');
  await c.nodeConnected(solo.id);
  agents.rows.push({ id: 'x1', extension: '9000', tenant: 'other', nodeId: null, pinnedNodeId: null });
  await c.rebalance();
  await t.rejects(c.drain('solo'), { code: 'E_REFUSED' });

  // Pin with --to, and failure re-homes.
  await c.move('a000', 'pbx03', true);
  t.equal(agents.rows.find((r) => r.id === 'a000')!.nodeId, ids[2]);
  await c.nodeFailed(ids[2]!, 'ARI unreachable for 60 s');
  t.equal((await store.nodes.get('pbx03')).state, 'failed');
  t.same([count(ids[0]!), count(ids[1]!), count(ids[2]!)], [15, 15, 0], 'agents of the failed node re-homed');
});

t.test("a drain completes when the node's last channel goes after the round that moved its last agent", async (t) => {
  const db = openSqlite(':memory:');
  await migrate(db, 'state');
  const store = stateStoreOn(db);
  const agents = memoryAgents(10);
  let rounds = 0;
  const listAgents = agents.listAgents;
  agents.listAgents = async () => (rounds++, listAgents());
  const stopped: string[] = [];
  const channels = new Map<string, number>();
  const daemons: Daemons = { watch: () => {}, stop: async (id) => void stopped.push(id), channels: (id) => channels.get(id) ?? 0 };
  const c = new ClusterController({ nodes: store.nodes, agents, daemons, sink: { emit: () => {} }, debounceMs: 1 });
  t.teardown(() => c.close());
  const ids: string[] = [];
  for (const name of ['pbx01', 'pbx02']) {
    const n = await store.nodes.create({ name, macs: [`52:54:00:00:01:0${ids.length + 1}`] });
    await store.nodes.transition(n.id, 'booting');
    await store.nodes.transition(n.id, 'ready');
    ids.push(n.id);
    await c.nodeConnected(n.id);
  }
  await c.rebalance();
  const settle = () => new Promise((r) => setTimeout(r, 30));
  const caller = agents.rows.find((r) => r.nodeId === ids[0])!.id;
  c.agentState(ids[0]!, caller, true);
  channels.set(ids[0]!, 1);
  await c.drain('pbx01');

  // The call ends: the agent moves at once, but the daemon has not re-counted the node's channels yet.
  c.agentState(ids[0]!, caller, false);
  await settle();
  t.equal(agents.rows.find((r) => r.id === caller)!.nodeId, ids[1], 'the agent moved when its call ended');
  t.equal((await store.nodes.get('pbx01')).state, 'draining', 'a channel still counted: not drained yet');

  // An active node's channels reaching 0 is no reason for a round.
  const before = rounds;
  c.channelsChanged(ids[1]!, 0);
  await settle();
  t.equal(rounds, before, 'no round for an active node');

  channels.set(ids[0]!, 0);
  c.channelsChanged(ids[0]!, 0);
  await settle();
  t.equal((await store.nodes.get('pbx01')).state, 'drained', 'drained once its daemon counts no channel');
  t.same(stopped, [ids[0]], 'and its daemon stopped');
});

// The DHCP server's node directory on a real store: answers are cached (synchronously) until a node changes.
import t, { type Test } from 'tap';
import { nodeDirectory } from '../../src/boot/directory.js';
import { migrate } from '../../src/store/migrate.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { stateStoreOn } from '../../src/store/state-store.js';
import type { BootNode } from '../../src/dhcp/policy.js';
import type { ClientFacts } from '../../src/dhcp/facts.js';

const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';

async function setup(t: Test, enroll: 'manual' | 'auto' = 'manual') {
  const db = openSqlite(':memory:');
  t.teardown(() => db.close());
  await migrate(db, 'state');
  const store = stateStoreOn(db);
  let now = 1_000_000;
  let queries = 0;
  const counted = db.get.bind(db);
  db.get = ((sql: string, params?: unknown[]) => (queries++, counted(sql, params as never))) as typeof db.get;
  const dir = nodeDirectory(store.nodes, { enroll, tenants: {} }, { ttlMs: 10_000, now: () => now });
  const lookup = async (mac: string) => await dir.lookup(mac);
  return { store, dir, lookup, queries: () => queries, tick: (ms: number) => void (now += ms) };
}
type Setup = Awaited<ReturnType<typeof setup>>;

t.test('a known MAC is read once, then answered from the cache, synchronously', async (t) => {
  const s: Setup = await setup(t);
  const n = await s.store.nodes.create({ name: 'pbx01', macs: [A] });
  t.match(await s.lookup(A), { id: n.id, name: 'pbx01', state: 'enrolled', allowNetboot: true });
  const q = s.queries();
  const again = s.dir.lookup(A);
  t.notOk(again instanceof Promise, 'a cached answer is not a promise');
  t.equal((again as BootNode).id, n.id);
  t.equal(s.queries(), q, 'no SQL for a cached answer');
  t.equal(await s.lookup(B), null, 'an unknown MAC');
  const q2 = s.queries();
  t.equal(s.dir.lookup(B), null, 'is cached too (a DHCP client that is not a node)');
  t.equal(s.queries(), q2);
});

t.test('every change to a node is seen by the next lookup', async (t) => {
  const s: Setup = await setup(t);
  const n = await s.store.nodes.create({ name: 'pbx01', macs: [A] });
  t.equal(await s.lookup(B), null);
  t.equal((await s.lookup(A))?.state, 'enrolled');
  await s.store.nodes.transition(n.id, 'booting');
  t.equal((await s.lookup(A))?.state, 'booting', 'a transition');
  await s.store.nodes.update(n.id, { allowNetboot: false, ip: '10.0.0.9' });
  t.match(await s.lookup(A), { allowNetboot: false, ip: '10.0.0.9' }, 'an update');
  await s.store.nodes.addMac(n.id, B);
  t.equal((await s.lookup(B))?.id, n.id, 'a MAC added to a node');
  await s.store.nodes.delete(n.id);
  t.equal(await s.lookup(A), null, 'a deleted node');
  await s.store.nodes.create({ name: 'pbx02', macs: [A] });
  t.equal((await s.lookup(A))?.name, 'pbx02', 'a new node for a MAC cached as unknown');
});

t.test('a change that lands while a read runs is not cached stale', async (t) => {
  const s: Setup = await setup(t);
  const n = await s.store.nodes.create({ name: 'pbx01', macs: [A] });
  const reading = s.dir.lookup(A); // a miss: reads the enrolled node
  const moving = s.store.nodes.transition(n.id, 'booting');
  await Promise.all([reading, moving]);
  t.equal((await s.lookup(A))?.state, 'booting');
});

t.test('answers expire after ttlMs (another process may have changed the database)', async (t) => {
  const s: Setup = await setup(t);
  await s.store.nodes.create({ name: 'pbx01', macs: [A] });
  await s.lookup(A);
  const q = s.queries();
  s.tick(9_999);
  await s.lookup(A);
  t.equal(s.queries(), q, 'still cached');
  s.tick(2);
  await s.lookup(A);
  t.ok(s.queries() > q, 'read again');
});

t.test('discovered: recorded, enrolled when enrol=auto, and then looked up as a node', async (t) => {
  const facts = { mac: A } as ClientFacts;
  const manual: Setup = await setup(t, 'manual');
  t.equal(await manual.lookup(A), null);
  t.equal(await manual.dir.discovered(A, facts), null, 'manual: recorded, not booted');
  t.match(await manual.lookup(A), { state: 'discovered' }, 'the cache saw the new node');
  const auto: Setup = await setup(t, 'auto');
  t.match(await auto.dir.discovered(B, { ...facts, mac: B }), { state: 'enrolled' });
  t.match(await auto.lookup(B), { state: 'enrolled', name: 'disc-52540000000b' });
});

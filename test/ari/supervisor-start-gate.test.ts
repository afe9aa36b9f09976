// Daemon start-ups are gated: a storm of ready nodes boots at most maxConcurrentStarts daemons at a time, in order,
// and the grace clock of a waiting node starts only when its daemon does.
import t from 'tap';
import { StartGate } from '../../src/supervisor/start-gate.js';
import { node, recordingSupervisor, until } from './helpers.js';

t.test('StartGate: at most `limit` at once, FIFO, release is idempotent', async (t) => {
  const g = new StartGate(2);
  const order: number[] = [];
  const releases = await Promise.all([g.acquire(), g.acquire()]);
  const later = [3, 4, 5].map((i) => g.acquire().then((r) => (order.push(i), r)));
  await new Promise((r) => setImmediate(r));
  t.same({ starting: g.starting, waiting: g.waiting }, { starting: 2, waiting: 3 });
  releases[0]!();
  releases[0]!(); // a second call must not free a second slot
  await new Promise((r) => setImmediate(r));
  t.same(order, [3]);
  t.same({ starting: g.starting, waiting: g.waiting }, { starting: 2, waiting: 2 });
  releases[1]!();
  (await later[0]!)();
  await Promise.all(later.slice(1).map((p) => p.then((r) => r())));
  t.same(order, [3, 4, 5]);
  t.same({ starting: g.starting, waiting: g.waiting }, { starting: 0, waiting: 0 });
  t.throws(() => new StartGate(0), /≥ 1, got 0/);
});

t.test('six nodes ready at once: daemons boot one at a time when maxConcurrentStarts is 1', async (t) => {
  const { sup, rec } = recordingSupervisor({ graceMs: 60_000, maxConcurrentStarts: 1, credentials: async () => ({ url: 'http://127.0.0.1:9', user: 'u', password: 'pw' }) });
  t.teardown(() => sup.close());
  let most = 0;
  const timer = setInterval(() => (most = Math.max(most, sup.startQueue().starting)), 5);
  t.teardown(() => clearInterval(timer));
  for (let i = 0; i < 6; i++) sup.watch(node(`g${i}`), []);
  await until('all six spawned', () => rec.events.filter((e) => e.stage === 'ari.spawn').length === 6, 30_000);
  await until('queue empty', () => sup.startQueue().waiting === 0 && sup.startQueue().starting === 0, 30_000);
  t.equal(most, 1, 'never two daemons booting together');
  const spawns = rec.events.filter((e) => e.stage === 'ari.spawn').map((e) => e.node);
  t.same(spawns, ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'], 'in the order the nodes became ready');
  t.ok(rec.events.some((e) => e.stage === 'ari.log' && e.detail?.msg === 'daemon started'), 'the daemon says it is up');
  for (let i = 0; i < 6; i++) t.ok(sup.pid(`g${i}`), `g${i} has a daemon`);
});

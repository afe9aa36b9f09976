// The event log's batching on a real SQLite store: a quiet server writes within flushMs; after a storm's flush
// the next batch waits the storm window (bigger commits), and a small batch ends the storm.
import t, { type Test } from 'tap';
import { EventBus } from '../../src/events/bus.js';
import { EventLog } from '../../src/events/event-log.js';
import { EventsRepo } from '../../src/store/events-repo.js';
import { migrate } from '../../src/store/migrate.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type { BootEvent } from '../../src/events/event.js';
import { forEachDb } from '../helpers/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(t: Test) {
  const db = openSqlite(':memory:');
  t.teardown(() => db.close());
  await migrate(db, 'state');
  const bus = new EventBus();
  const seen: string[] = [];
  bus.subscribe((e) => void seen.push(e.stage));
  // Timers only ever fire late on a busy machine: the test asserts lower bounds on the storm window and gives
  // the quick path a wide margin (1 ms against 400 ms).
  const log = new EventLog(new EventsRepo(db), bus, { flushMs: 1, stormMs: 400, stormRows: 10 });
  const until = async (stage: string, ms: number) => {
    for (const end = Date.now() + ms; Date.now() < end && !seen.includes(stage); ) await sleep(5);
    return seen.includes(stage);
  };
  return { log, seen, until };
}

t.test('after a storm-sized flush the next batch waits the storm window; a small one ends it', async (t) => {
  const { log, seen, until } = await setup(t);
  log.emit({ stage: 'quiet.1', mac: '02:00:00:00:00:01' });
  t.ok(await until('quiet.1', 300), 'a lone event is written within flushMs (1 ms, 300 ms allowed)');
  for (let i = 0; i < 12; i++) log.emit({ stage: `storm.${i}`, mac: null, detail: { i } });
  await log.flush();
  t.equal(seen.filter((s) => s.startsWith('storm.')).length, 12, 'the storm batch is stored and published');
  log.emit({ stage: 'after.storm' });
  await sleep(150);
  t.notOk(seen.includes('after.storm'), 'not written 150 ms after a storm flush (window 400 ms)');
  t.ok(await until('after.storm', 3000), 'written once the storm window passes');
  log.emit({ stage: 'quiet.2' });
  t.ok(await until('quiet.2', 300), 'the small batch ended the storm: quick again');
});

t.test('flush() still writes everything at once, storm or not', async (t) => {
  const { log, seen } = await setup(t);
  for (let i = 0; i < 12; i++) log.emit({ stage: `a.${i}` });
  await log.flush();
  log.emit({ stage: 'b' });
  await log.flush();
  t.equal(seen.length, 13);
  t.equal(seen.at(-1), 'b');
});

// What is published is what was stored: same ids, same rows (SQLite writes the encoded batch from its text, on the
// file's writer thread; PostgreSQL decodes it and inserts with RETURNING).
forEachDb('event log batches', async (t, f) => {
  const db = await f.open();
  await migrate(db, 'state');
  const repo = new EventsRepo(db);
  const bus = new EventBus();
  const seen: BootEvent[] = [];
  bus.subscribe((e) => void seen.push(e));
  const log = new EventLog(repo, bus, { flushMs: 1000, maxBatch: 100_000 });
  for (let i = 0; i < 3000; i++) log.emit({ time: 1000 + i, stage: i % 2 ? 'dhcp.offer' : 'dhcp.discover', mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, level: i % 2 ? 'info' : 'debug', detail: { xid: i, host: i === 7 ? 'ünï☎' : null } });
  log.emit({ stage: 'node.state', node: 'n1', detail: { to: 'ready' } });
  await log.flush();
  const stored = await repo.query({ limit: 100_000 });
  t.equal(stored.length, 3001, 'every event stored');
  t.same(seen, stored, 'published with the ids and rows stored');
  t.equal(stored[7]!.detail.host, 'ünï☎');
  t.same(stored.at(-1), { id: stored.at(-1)!.id, time: stored.at(-1)!.time, mac: null, node: 'n1', stage: 'node.state', level: 'info', detail: { to: 'ready' } });
  t.ok(stored.every((e, i) => i === 0 || e.id > stored[i - 1]!.id), 'in emit order');

  // Nobody listening: written all the same, nothing decoded for the bus.
  const quiet = new EventLog(repo, new EventBus(), { flushMs: 1000 });
  quiet.emit({ stage: 'unheard', detail: { a: 1 } });
  await quiet.flush();
  t.same((await repo.query({ stage: 'unheard' })).map((e) => e.detail), [{ a: 1 }]);
});

t.test('a log that cannot be written keeps its events, up to a bound, and writes them once it can', async (t) => {
  const db = openSqlite(':memory:');
  t.teardown(() => db.close());
  await migrate(db, 'state');
  const errors: { err: unknown; lost: number }[] = [];
  const log = new EventLog(new EventsRepo(db), new EventBus(), { flushMs: 100_000, maxBatch: 50_000, onError: (err, lost) => void errors.push({ err, lost }) });
  await db.exec('ALTER TABLE boot_events RENAME TO boot_events_away');
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 40_000; i++) log.emit({ stage: `down.${round}`, detail: { i } });
    await log.flush(); // each round's batch fails; the third would pass the 100,000 kept
  }
  t.equal(errors.length, 3, 'each failed write is reported');
  t.match(String(errors[0]!.err), /boot_events/, 'with the database error');
  t.same(errors.map((e) => e.lost), [0, 0, 40_000], 'the batch past the bound is counted as lost');
  log.emit({ stage: 'back' });
  await db.exec('ALTER TABLE boot_events_away RENAME TO boot_events');
  await log.flush();
  const n = (stage: string) => db.get<{ n: number }>('SELECT count(*) AS n FROM boot_events WHERE stage = ?', [stage]).then((r) => Number(r!.n));
  t.same([await n('down.0'), await n('down.1'), await n('down.2'), await n('back')], [40_000, 40_000, 0, 1], 'kept batches written, oldest first, then the new one');
  const ids = await db.all<{ stage: string }>('SELECT stage FROM boot_events ORDER BY id');
  t.equal(ids[0]!.stage, 'down.0');
  t.equal(ids.at(-1)!.stage, 'back');
});

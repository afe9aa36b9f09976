// The event log's batching on a real SQLite store: a quiet server writes within flushMs; after a storm's flush
// the next batch waits the storm window (bigger commits), and a small batch ends the storm.
import t, { type Test } from 'tap';
import { EventBus } from '../../src/events/bus.js';
import { EventLog } from '../../src/events/event-log.js';
import { EventsRepo } from '../../src/store/events-repo.js';
import { migrate } from '../../src/store/migrate.js';
import { openSqlite } from '../../src/store/sqlite.js';

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

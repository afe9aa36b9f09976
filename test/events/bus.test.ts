// The live feeds: the step feed sees every event as it is emitted, costs nothing without subscribers, and never
// lets a subscriber break the adapter that emitted.
import t from 'tap';
import { EventBus, StepFeed, type Step } from '../../src/events/bus.js';
import { EventLog } from '../../src/events/event-log.js';
import type { BootEventInput } from '../../src/events/event.js';
import { EventsRepo } from '../../src/store/events-repo.js';
import { migrate } from '../../src/store/migrate.js';
import { openSqlite } from '../../src/store/sqlite.js';

t.test('a tap hands each event to the sink behind it, then to the step feed, time filled in', async (t) => {
  const steps = new StepFeed();
  const inner: BootEventInput[] = [];
  const sink = steps.tap({ emit: (ev) => void inner.push(ev) });
  sink.emit({ stage: 'dhcp.offer', mac: '52:54:00:00:00:01', time: 5 });
  t.same(inner.length, 1, 'no subscriber: the sink behind still gets it');
  const seen: Step[] = [];
  const off = steps.subscribe((ev) => void seen.push(ev));
  const before = Date.now();
  const timed = { stage: 'dhcp.ack', mac: '52:54:00:00:00:01', time: 7 };
  sink.emit(timed);
  sink.emit({ stage: 'tftp.complete', detail: { bytes: 3 } });
  t.equal(seen[0], timed, 'an event with its time is passed on as it is (no copy)');
  t.equal(seen[1]!.stage, 'tftp.complete');
  t.ok(seen[1]!.time >= before && seen[1]!.time <= Date.now(), 'one without a time gets the time it was emitted');
  t.same(inner.map((e) => e.stage), ['dhcp.offer', 'dhcp.ack', 'tftp.complete'], 'the sink behind got every one, in order');
  off();
  sink.emit({ stage: 'dhcp.nak' });
  t.equal(seen.length, 2, 'unsubscribed: no more');
});

t.test('a subscriber that throws is dropped; the emitter and the others carry on', async (t) => {
  const steps = new StepFeed();
  const inner: BootEventInput[] = [];
  const sink = steps.tap({ emit: (ev) => void inner.push(ev) });
  steps.subscribe(() => {
    throw new Error('broken subscriber');
  });
  const seen: string[] = [];
  steps.subscribe((ev) => void seen.push(ev.stage));
  t.doesNotThrow(() => sink.emit({ stage: 'a.one' }));
  t.doesNotThrow(() => sink.emit({ stage: 'a.two' }));
  t.equal(steps.size, 1, 'the broken one is gone');
  t.same(seen, ['a.one', 'a.two']);
  t.equal(inner.length, 2);
});

t.test('with step subscribers only, the netboot log writes its batches without decoding them', async (t) => {
  const db = openSqlite(':memory:');
  await migrate(db, 'state');
  t.teardown(() => db.close());
  const repo = new EventsRepo(db);
  const asked: boolean[] = [];
  const appendEncoded = repo.appendEncoded.bind(repo);
  repo.appendEncoded = (batch, opts) => (asked.push(opts.events), appendEncoded(batch, opts));
  const bus = new EventBus();
  const steps = new StepFeed();
  const counted: string[] = [];
  steps.subscribe((ev) => void counted.push(ev.stage));
  const log = new EventLog(repo, bus);
  const sink = steps.tap(log);
  sink.emit({ stage: 'dhcp.discover', mac: '52:54:00:00:00:09' });
  await log.flush();
  t.same(asked, [false], 'no EventBus subscriber: the written rows are not decoded back into objects');
  const live: string[] = [];
  bus.subscribe((ev) => void live.push(`${ev.id} ${ev.stage}`));
  sink.emit({ stage: 'dhcp.offer', mac: '52:54:00:00:00:09' });
  await log.flush();
  t.same(asked, [false, true], 'a `logs -f` or SSE subscriber: decoded, with ids');
  t.same(live, ['2 dhcp.offer']);
  t.same(counted, ['dhcp.discover', 'dhcp.offer'], 'the step feed saw both');
  t.equal((await repo.query()).length, 2, 'both written');
});

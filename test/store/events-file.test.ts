// On a SQLite state DB the netboot log lives in a file of its own (state.db → state-events.db) with its own writer
// thread, so a DHCP lease commit never queues behind a commit of boot events (SQLite has one writer per file).
import t from 'tap';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus } from '../../src/events/bus.js';
import type { BootEvent } from '../../src/events/event.js';
import { migrate } from '../../src/store/migrate.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { eventsFileFor, openStateStore } from '../../src/store/state-store.js';

const count = (file: string, where = '1 = 1'): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(`SELECT count(*) AS n FROM boot_events WHERE ${where}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

t.test('the file beside the state DB', async (t) => {
  t.equal(eventsFileFor('/var/lib/pbxboot/state.db'), '/var/lib/pbxboot/state-events.db');
  t.equal(eventsFileFor('/srv/tenant-a.sqlite'), '/srv/tenant-a-events.sqlite');
  t.equal(eventsFileFor('data/pbx'), 'data/pbx-events');
});

t.test('node changes and their events: the change in the state DB, its event in the netboot log file', async (t) => {
  const dir = t.testdir({});
  const bus = new EventBus();
  const seen: BootEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  const s = await openStateStore({ url: '', dataDir: dir, bus });
  const n = await s.nodes.create({ name: 'pbx01', macs: ['52:54:00:12:34:56'] });
  await s.nodes.transition('pbx01', 'booting', 'test');
  await s.events.append([{ stage: 'dhcp.discover', mac: '52:54:00:12:34:56', detail: {} }]);
  t.same(seen.map((e) => e.stage), ['node.created', 'node.state'], 'published once committed, with their ids');
  t.ok(seen.every((e) => e.id > 0));
  t.same((await s.events.query({ node: n.id, nodeMacs: n.macs })).map((e) => e.stage), ['node.created', 'node.state', 'dhcp.discover']);
  await s.close();
  t.equal(count(join(dir, 'state-events.db')), 3, 'all three in state-events.db');
  t.equal(count(join(dir, 'state.db')), 0, 'none in state.db');
});

t.test('events a state DB already holds are moved to the log file on open, ids kept, once', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'state.db');
  const old = openSqlite(path);
  await migrate(old, 'state');
  for (const [i, stage] of ['dhcp.discover', 'dhcp.offer', 'tftp.complete'].entries()) {
    await old.run("INSERT INTO boot_events (id, time, mac, node, stage, level, detail) VALUES (?, ?, '52:54:00:00:00:01', NULL, ?, 'info', '{}')", [10 + i, 1000 + i, stage]);
  }
  await old.close();
  t.notOk(existsSync(eventsFileFor(path)));
  for (const round of [1, 2]) {
    const s = await openStateStore({ url: `sqlite:${path}`, dataDir: dir });
    const evs = await s.events.query({ mac: '52:54:00:00:00:01' });
    t.same(evs.slice(0, 3).map((e) => [e.id, e.stage]), [[10, 'dhcp.discover'], [11, 'dhcp.offer'], [12, 'tftp.complete']], `open ${round}: the same rows and ids`);
    t.equal(evs.length, round === 1 ? 3 : 4, 'nothing moved twice');
    if (round === 1) t.ok((await s.events.append([{ stage: 'http.script', mac: '52:54:00:00:00:01', detail: {} }]))[0]!.id > 12, 'new ids follow the moved ones');
    await s.close();
  }
  t.equal(count(path), 0, 'the state DB keeps none');
  t.equal(count(eventsFileFor(path)), 4);
});

t.test('a lease commit does not wait while the netboot log file is locked', async (t) => {
  const dir = t.testdir({});
  const s = await openStateStore({ url: '', dataDir: dir });
  t.teardown(() => s.close());
  await s.events.append([{ stage: 'test.warm', detail: {} }]); // the log's writer thread runs
  await s.db.batch([['INSERT INTO settings (key, value) VALUES (?, ?)', ['warm', '1']]], { urgent: true });
  // Another connection holds the log file's write lock, as a long commit of boot events does.
  const holder = new Database(join(dir, 'state-events.db'));
  holder.exec('BEGIN IMMEDIATE');
  let logged = false;
  const append = s.events.append([{ stage: 'test.waits', detail: {} }]).then(() => (logged = true));
  const t0 = Date.now();
  await s.db.batch([['INSERT INTO dhcp_leases (ip, mac, state, expires_at, client_id, hostname, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)', ['10.0.0.9', '02:00:00:00:00:09', 'bound', 1, null, null, 1]]], { urgent: true });
  const ms = Date.now() - t0;
  t.ok(ms < 1000, `the lease committed in ${ms} ms`);
  t.notOk(logged, 'while the event still waited for the log file');
  holder.exec('COMMIT');
  holder.close();
  await append;
  t.ok(logged, 'and the event was written once the lock was released');
});

t.test('boot events reach the log file intact through its writer thread', async (t) => {
  const dir = t.testdir({});
  const s = await openStateStore({ url: '', dataDir: dir });
  t.teardown(() => s.close());
  const detail = { quote: 'say "hi"\\n', nl: 'a\nb', uni: 'Zürich ☎ 𝄞', big: 2 ** 53 - 1, frac: 0.1 + 0.2, neg: -0, nested: { list: [1, null, 'x'] } };
  const time = 1_764_000_000_123;
  const [ev] = await s.events.append([{ time, stage: 'test.plain', mac: '02:00:00:00:00:0a', node: null, level: 'warn', detail }]);
  const [back] = await s.events.query({ stage: 'test.plain' });
  t.same(back, { ...ev, detail: JSON.parse(JSON.stringify(detail)) }, 'the same row, ids and all');
  t.equal(back!.time, time);
  t.equal(back!.detail.frac, 0.1 + 0.2, 'numbers exactly');
});

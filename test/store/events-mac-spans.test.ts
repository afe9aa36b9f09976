// SQLite keys the netboot log's MAC index by span of 16,384 ids first (migration state/007, events/003), so a
// commit's rows land in the newest span's pages instead of all over the index. A MAC's events are still all found,
// in order, whichever spans hold them: EventsRepo.query looks the MAC up span by span.
import t from 'tap';
import { join } from 'node:path';
import { migrate } from '../../src/store/migrate.js';
import { EventsRepo } from '../../src/store/events-repo.js';
import { openStateStore } from '../../src/store/state-store.js';
import { openSqlite } from '../../src/store/sqlite.js';
import type { SqlDb } from '../../src/store/sql.js';
import { eventsQueryPlan } from '../helpers/events-plan.js';
import { forEachDb } from '../helpers/stores.js';

const X = '52:54:00:00:00:0a';
const Y = '52:54:00:00:00:0b';

forEachDb('a MAC\'s events across spans of the log', async (t, f) => {
  const db = await f.open();
  await migrate(db, 'state');
  const repo = new EventsRepo(db);
  // The next event gets id `id` (a row of filler just before it): the log is made to cross span boundaries.
  const jumpTo = async (id: number) => {
    if (f.kind === 'sqlite') await db.run("INSERT INTO boot_events (id, time, stage, level, detail) VALUES (?, 0, 'filler', 'debug', '{}')", [id - 1]);
    else await db.get("SELECT setval(pg_get_serial_sequence('boot_events', 'id'), ?)", [id - 1]);
  };
  const step = (stage: string, mac: string) => ({ stage, mac, node: 'node-x', detail: { stage } });
  await repo.append([step('dhcp.discover', X), step('dhcp.discover', Y)]); // ids 1, 2: span 0
  await jumpTo(40_000); // span 2
  await repo.append([step('dhcp.offer', X), step('dhcp.offer', Y), step('dhcp.request', X)]);
  await jumpTo(3 * 16_384 + 5); // span 3
  await repo.append([step('dhcp.ack', X)]);
  await jumpTo(1_000_000); // span 61, with empty spans between
  await repo.append([step('tftp.complete', X), { stage: 'node.state', node: 'node-x', detail: {} }]);

  const stagesOf = async (q: Parameters<EventsRepo['query']>[0]) => (await repo.query(q)).map((e) => e.stage);
  t.same(await stagesOf({ mac: X }), ['dhcp.discover', 'dhcp.offer', 'dhcp.request', 'dhcp.ack', 'tftp.complete'], 'every span, in log order');
  t.same(await stagesOf({ mac: Y }), ['dhcp.discover', 'dhcp.offer']);
  t.same(await stagesOf({ mac: X, limit: 2 }), ['dhcp.ack', 'tftp.complete'], 'the newest two');
  const offer = (await repo.query({ mac: X })).find((e) => e.stage === 'dhcp.offer')!;
  t.equal(offer.id, 40_000);
  t.same(await stagesOf({ mac: X, afterId: offer.id }), ['dhcp.request', 'dhcp.ack', 'tftp.complete'], 'after an id, into later spans');
  t.same(await stagesOf({ mac: X, afterId: 2_000_000 }), [], 'after the newest: none');
  t.same(await stagesOf({ node: 'node-x', nodeMacs: [X, Y] }), ['dhcp.discover', 'dhcp.discover', 'dhcp.offer', 'dhcp.offer', 'dhcp.request', 'dhcp.ack', 'tftp.complete', 'node.state'], "a node's timeline: its MACs in every span and its MAC-less events");
  t.same(await stagesOf({ mac: '52:54:00:00:00:ff' }), [], 'an unknown MAC');

  // Retention pruning moves the first span up; what is left is still found.
  await db.run('DELETE FROM boot_events WHERE id < 40001');
  t.same(await stagesOf({ mac: X }), ['dhcp.request', 'dhcp.ack', 'tftp.complete'], 'after pruning');
  await db.run('DELETE FROM boot_events');
  t.same(await stagesOf({ mac: X }), [], 'an empty log');
});

t.test('SQLite: the MAC index is span-first, and a MAC query searches it per span', async (t) => {
  const dir = t.testdir({});
  const s = await openStateStore({ url: '', dataDir: dir });
  await s.events.append([{ stage: 'dhcp.discover', mac: X, detail: {} }]);
  await s.close();
  // Both files' migrations: the netboot log's own file and the state DB, whose boot_events an older layout used.
  const opened = new Map<string, SqlDb>();
  for (const file of ['state-events.db', 'state.db']) {
    const db = openSqlite(join(dir, file));
    opened.set(file, db);
    t.teardown(() => db.close());
    const indexes = (await db.all<{ name: string; sql: string | null }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'boot_events'")).map((r) => `${r.name}: ${r.sql}`);
    t.ok(indexes.some((i) => /^boot_events_mac_span: .*\(id >> 14, mac, id\)/.test(i)), `${file}: span-first MAC index (${indexes.join('; ')})`);
    t.notOk(indexes.some((i) => i.startsWith('boot_events_mac:')), `${file}: no MAC-first index left`);
  }
  const { events, plan } = await eventsQueryPlan(opened.get('state-events.db')!, { mac: X });
  t.equal(events.length, 1);
  t.ok(plan.some((d) => /USING (COVERING )?INDEX boot_events_mac_span \(<expr>=\? AND mac=\?\)/.test(d)), `searched by span and MAC: ${plan.join(' | ')}`);
  t.notOk(plan.some((d) => /SCAN boot_events(?! USING)/.test(d)), 'no scan of the whole log');
});

// The netboot log's node index holds only events without a MAC (migration state/005, events/002): a DHCP step costs one
// random index insert instead of two. A node's timeline is still all of its events: those without a MAC by the node
// index, the rest by the mac index, each by an index rather than a scan of the whole log.
import t from 'tap';
import { join } from 'node:path';
import { migrate } from '../../src/store/migrate.js';
import { EventsRepo } from '../../src/store/events-repo.js';
import { openStateStore } from '../../src/store/state-store.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { eventsQueryPlan } from '../helpers/events-plan.js';
import { forEachDb } from '../helpers/stores.js';

const A = { id: 'node-a', macs: ['52:54:00:00:00:0a', '52:54:00:00:00:0b'] };
const B = { id: 'node-b', macs: ['52:54:00:00:00:0c'] };

forEachDb('a node\'s timeline through the MAC-less node index', async (t, f) => {
  const db = await f.open();
  await migrate(db, 'state');
  const repo = new EventsRepo(db);
  await repo.append([
    { stage: 'dhcp.discover', mac: A.macs[0], node: null, detail: {} }, // before the node was known
    { stage: 'dhcp.offer', mac: A.macs[0], node: A.id, detail: {} },
    { stage: 'node.state', mac: null, node: A.id, detail: {} },
    { stage: 'tftp.complete', mac: A.macs[1], node: A.id, detail: {} },
    { stage: 'dhcp.offer', mac: B.macs[0], node: B.id, detail: {} },
    { stage: 'ari.connected', mac: null, node: B.id, detail: {} },
    { stage: 'dhcp.discover', mac: '52:54:00:00:00:ff', node: null, detail: {} },
  ]);
  const stages = async (n: typeof A) => (await repo.query({ node: n.id, nodeMacs: n.macs })).map((e) => `${e.stage}@${e.mac ?? '-'}`);
  t.same(await stages(A), [`dhcp.discover@${A.macs[0]}`, `dhcp.offer@${A.macs[0]}`, 'node.state@-', `tftp.complete@${A.macs[1]}`]);
  t.same(await stages(B), [`dhcp.offer@${B.macs[0]}`, 'ari.connected@-']);
  t.same((await repo.query({ node: A.id, nodeMacs: A.macs, stage: 'node.' })).map((e) => e.stage), ['node.state'], 'other filters still apply');

  if (f.kind === 'sqlite') {
    const index = await db.get<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'boot_events_node'");
    t.match(index?.sql, /WHERE mac IS NULL/, 'the node index is partial');
  } else {
    const index = await db.get<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE indexname = 'boot_events_node'");
    t.match(index?.indexdef, /WHERE \(mac IS NULL\)/, 'the node index is partial');
  }
});

t.test('SQLite finds a timeline by its two indexes, not by scanning the log', async (t) => {
  const dir = t.testdir({});
  const s = await openStateStore({ url: '', dataDir: dir });
  await s.events.append([{ stage: 'node.state', node: A.id, detail: {} }]);
  await s.close();
  const db = openSqlite(join(dir, 'state-events.db'));
  t.teardown(() => db.close());
  // The repo's own statement, planned as SQLite would run it.
  const { events, plan } = await eventsQueryPlan(db, { node: A.id, nodeMacs: A.macs, limit: 500 });
  t.equal(events.length, 1);
  t.ok(plan.some((d) => /USING INDEX boot_events_node/.test(d)), `node index used: ${plan.join(' | ')}`);
  t.ok(plan.some((d) => /USING (COVERING )?INDEX boot_events_mac/.test(d)), 'mac index used');
  t.notOk(plan.some((d) => /SCAN boot_events(?! USING)/.test(d)), 'no scan of the whole log');
});

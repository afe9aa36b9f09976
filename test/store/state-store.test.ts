// The store contract: the same cases on SQLite and PostgreSQL.
import { forEachDb } from '../helpers/stores.js';
import { migrate } from '../../src/store/migrate.js';
import { stateStoreOn } from '../../src/store/state-store.js';
import { EventBus } from '../../src/events/bus.js';
import { PbxbootError } from '../../src/errors.js';
import type { BootEvent } from '../../src/events/event.js';

forEachDb('state store contract', async (t, f) => {
  const db = await f.open();
  const first = await migrate(db, 'state');
  t.ok(first.includes(1), 'core migration applied');
  t.same(await migrate(db, 'state'), [], 'second migrate applies nothing');
  const bus = new EventBus();
  const seen: BootEvent[] = [];
  bus.subscribe((e) => seen.push(e));
  const s = stateStoreOn(db, bus);

  const n = await s.nodes.create({ name: 'pbx01', macs: ['52:54:00:12:34:56'], tenant: 'acme' });
  t.equal(n.state, 'enrolled');
  t.same(n.macs, ['52:54:00:12:34:56']);
  t.equal((await s.nodes.get('pbx01')).id, n.id, 'by name');
  t.equal((await s.nodes.get(n.id)).name, 'pbx01', 'by id');
  t.equal((await s.nodes.get('52-54-00-12-34-56')).name, 'pbx01', 'by MAC in another notation');
  t.equal((await s.nodes.get('5254.0012.3456')).name, 'pbx01', 'by Cisco MAC');

  await t.rejects(s.nodes.create({ name: 'pbx01', macs: ['52:54:00:00:00:01'] }), { code: 'E_CONFLICT' }, 'duplicate name');
  await t.rejects(s.nodes.create({ name: 'pbx02', macs: ['52:54:00:12:34:56'] }), { code: 'E_CONFLICT' }, 'duplicate MAC');
  t.equal((await s.nodes.list()).length, 1, 'nothing written half-way by refused creates');
  t.equal(await s.nodes.find('pbx02'), null);
  await t.rejects(s.nodes.get('nope'), { code: 'E_NOT_FOUND' });
  await t.rejects(s.nodes.create({ name: 'Bad Name', macs: ['52:54:00:00:00:02'] }), { code: 'E_USAGE' });

  // Lifecycle: legal transitions go through and are logged; illegal ones are refused and change nothing.
  await s.nodes.transition('pbx01', 'booting');
  await s.nodes.transition('pbx01', 'configured');
  const ready = await s.nodes.transition('pbx01', 'ready', null, { ip: '10.0.0.5' });
  t.equal(ready.state, 'ready');
  t.equal(ready.ip, '10.0.0.5');
  const err = await s.nodes.transition('pbx01', 'enrolled').catch((e: unknown) => e);
  t.ok(err instanceof PbxbootError && err.code === 'E_TRANSITION', 'ready → enrolled refused');
  t.equal((await s.nodes.get('pbx01')).state, 'ready', 'state unchanged after refusal');

  const states = (await s.events.query({ node: n.id, stage: 'node.state' })).map((e) => e.detail.to);
  t.same(states, ['booting', 'configured', 'ready'], 'every transition is an event, in order');
  t.ok(seen.some((e) => e.stage === 'node.state' && e.detail.to === 'ready'), 'transitions published live after commit');

  // Events: query by mac, prefix stage, since, afterId, limit; prune.
  const base = Date.now() - 60_000;
  await s.events.append([
    { time: base, mac: 'aa:bb:cc:dd:ee:01', stage: 'dhcp.discover', detail: { arch: 7 } },
    { time: base + 1, mac: 'aa:bb:cc:dd:ee:01', stage: 'dhcp.offer' },
    { time: base + 2, mac: 'aa:bb:cc:dd:ee:02', stage: 'tftp.rrq', level: 'warn' },
  ]);
  const m1 = await s.events.query({ mac: 'aa:bb:cc:dd:ee:01' });
  t.same(m1.map((e) => e.stage), ['dhcp.discover', 'dhcp.offer']);
  t.same(m1[0]!.detail, { arch: 7 });
  t.equal((await s.events.query({ stage: 'dhcp.' })).length, 2, 'stage prefix');
  t.equal((await s.events.query({ level: 'warn' })).length, 1);
  const last = await s.events.query({ limit: 2 });
  t.same(last.map((e) => e.stage), ['dhcp.offer', 'tftp.rrq'], 'limit returns newest, oldest first');
  t.equal((await s.events.query({ afterId: last[0]!.id })).length, 1);
  t.equal(await s.events.prune(base + 2), 2, 'prune removes older events');
  t.equal((await s.events.query({ mac: 'aa:bb:cc:dd:ee:01' })).length, 0);

  // A failing transaction leaves nothing behind.
  await t.rejects(
    db.tx(async (tx) => {
      await tx.run("INSERT INTO settings (key, value) VALUES ('k', 'v')");
      throw new Error('boom');
    }),
  );
  t.equal(await db.get("SELECT * FROM settings WHERE key = 'k'"), undefined, 'rolled back');
});

// Agents and balancing through the API, on a real PBX DB (SQLite and PostgreSQL):
// CSV import (all-or-nothing), nodes join → even spread, drain refuses to strand,
// rebalance --dry-run, pins, assignments for the CMS (snapshot + live changes).
import t from 'tap';
import { forEachDb } from '../helpers/stores.js';
import { buildApi } from '../../src/http/api.js';
import type { ApiContext } from '../../src/http/context.js';
import { EventBus } from '../../src/events/bus.js';
import { migrate } from '../../src/store/migrate.js';
import { stateStoreOn } from '../../src/store/state-store.js';
import { validateConfig } from '../../src/config/load.js';
import { PbxTenants } from '../../src/store/pbx-tenants.js';
import { ClusterController, type AssignmentChange } from '../../src/cluster/controller.js';
import type { Assignment } from '../../src/http/routes/cluster.js';
import { serverDir } from '../helpers/server-dir.js';

forEachDb('cluster API', async (t, f) => {
  const stateDb = await f.open();
  const pbxDb = await f.open();
  await migrate(stateDb, 'state');
  const bus = new EventBus();
  const store = stateStoreOn(stateDb, bus);
  const config = validateConfig({ pbxDb: pbxDb.url, dataDir: serverDir(t) }, 't');
  const pbx = new PbxTenants(config, store.nodes);
  t.teardown(() => pbx.close());
  const listeners = new Set<(c: readonly AssignmentChange[]) => void>();
  const controller = new ClusterController({
    nodes: store.nodes,
    agents: pbx,
    daemons: { watch: () => undefined, stop: async () => undefined, channels: () => 0 },
    sink: { emit: () => undefined },
    onAssignments: (c) => listeners.forEach((fn) => fn(c)),
  });
  const ctx: ApiContext = { config, store, bus, sink: { emit: () => undefined }, version: 't', startedAt: Date.now(), netboot: () => ({}) };
  const router = buildApi(ctx, () => 'admin', {
    cluster: { controller, agents: pbx, ariPort: 8088, subscribe: (fn) => (listeners.add(fn), () => listeners.delete(fn)) },
  });
  const call = (method: string, path: string, body?: unknown) => {
    const u = new URL(path, 'http://x');
    return router.request({ method, path: u.pathname, query: u.searchParams, headers: {}, body });
  };

  const csv = ['id,extension,name,tenant,department', ...Array.from({ length: 12 }, (_, i) => `a${i + 10},${2000 + i},Agent ${i},default,${i % 2 ? 'inbound' : 'outbound'}`)].join('\n');
  t.match(await call('POST', '/v1/agents/import', csv), { status: 200, body: { imported: 12, created: 12 } });
  const broken = csv + '\nb1,,No Extension,default,inbound';
  const bad = await call('POST', '/v1/agents/import', broken);
  t.equal(bad.status, 400);
  t.match(bad.body, { error: { code: 'E_CSV', message: /line 14, column 2/ } });
  t.equal(((await call('GET', '/v1/agents')).body as { agents: unknown[] }).agents.length, 12, 'nothing imported from a broken CSV');

  const ids: string[] = [];
  const join = async (name: string, i: number) => {
    const n = await store.nodes.create({ name, macs: [`52:54:00:00:01:0${i}`], ip: `10.0.0.${10 + i}` });
    await store.nodes.transition(n.id, 'booting');
    await store.nodes.transition(n.id, 'ready');
    await (await pbx.repo('default')).registerNode({ id: n.id, name, tenant: 'default', address: `10.0.0.${10 + i}`, sipPort: 5060, ariUrl: '', ariUser: 'u', capacity: 1, systemname: name, entityid: `52:54:00:00:01:0${i}`, setid: 1 });
    await store.nodes.transition(n.id, 'active');
    ids.push(n.id);
    await call('POST', '/v1/rebalance', {});
  };
  const counts = async () => {
    const a = ((await call('GET', '/v1/agents')).body as { agents: { node: string | null }[] }).agents;
    return ids.map((id) => a.filter((x) => x.node === id).length);
  };
  await join('pbx01', 1);
  t.same(await counts(), [12]);
  await t.resolveMatch(call('POST', '/v1/nodes/pbx01/drain'), { status: 409, body: { error: { code: 'E_REFUSED' } } }, 'drain that strands the tenant is refused');
  await join('pbx02', 2);
  t.same(await counts(), [6, 6]);
  await join('pbx03', 3);
  t.same(await counts(), [4, 4, 4], 'even after each join');

  const dry = await call('POST', '/v1/rebalance', { dryRun: true });
  t.match(dry.body, { dryRun: true, moves: [] }, 'balanced: a dry run moves nothing');

  const seen: AssignmentChange[] = [];
  const follow = await call('GET', '/v1/assignments?follow=1');
  const stop = follow.sse!.open((ev, data) => ev === 'changes' && seen.push(...(data as AssignmentChange[])), () => undefined);
  t.match(await call('POST', '/v1/agents/a10/move', { to: 'pbx03' }), { status: 200, body: { pinned: true } });
  await t.resolveMatch(call('POST', '/v1/agents/nope/move', { to: 'pbx03' }), { status: 404 });
  t.same(await counts(), [4, 4, 4], 'a pin moves one agent and another one makes room');
  const drain = await call('POST', '/v1/nodes/pbx02/drain');
  t.match(drain.body, { node: { state: 'drained' } }, 'no busy agents: drained at once');
  t.same(await counts(), [6, 0, 6]);
  await new Promise((r) => setTimeout(r, 20));
  stop();
  t.ok(seen.length >= 4 && seen.every((c) => c.to !== ids[1]), `CMS feed saw the moves (${seen.length})`);
  const dispatcher = await (await pbx.repo('default')).dispatcherRow(ids[1]!);
  t.equal(dispatcher?.state, 1, 'drained node inactive in the dispatcher');

  const as = ((await call('GET', '/v1/assignments')).body as { assignments: Assignment[] }).assignments;
  const a10 = as.find((a) => a.agent === 'a10')!;
  t.match(a10, { nodeName: 'pbx03', address: '10.0.0.13', ariUrl: 'http://10.0.0.13:8088/ari', daemon: 'ari-pbx03', state: 'idle' });
  // Other consumers LISTEN on PostgreSQL.
  let notified: Promise<string> | null = null;
  if (f.kind === 'postgres') {
    const pg = (await import('pg')).default;
    const listener = new pg.Client({ connectionString: pbxDb.url });
    await listener.connect();
    t.teardown(() => listener.end());
    await listener.query('LISTEN pbxboot_assignments');
    notified = new Promise<string>((resolve) => listener.on('notification', (n) => resolve(n.payload ?? '')));
  }
  t.match(await call('POST', '/v1/nodes/pbx02/undrain'), { body: { node: { state: 'active' } } });
  if (notified) t.match(JSON.parse(await notified), { moves: [[String, String, ids[1]]] }, 'NOTIFY pbxboot_assignments on every change');
  t.same(await counts(), [4, 4, 4], 'undrain rebalances');
});

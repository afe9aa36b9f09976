// The API as a pure function: requests in, responses out, no port opened.
import t from 'tap';
import { buildApi } from '../../src/http/api.js';
import type { ApiContext } from '../../src/http/context.js';
import { EventBus } from '../../src/events/bus.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { migrate } from '../../src/store/migrate.js';
import { stateStoreOn } from '../../src/store/state-store.js';
import { validateConfig } from '../../src/config/load.js';
import type { BootEvent } from '../../src/events/event.js';

async function api() {
  const db = openSqlite(':memory:');
  await migrate(db, 'state');
  const bus = new EventBus();
  const store = stateStoreOn(db, bus);
  const ctx: ApiContext = {
    config: validateConfig({}, 'test'),
    store,
    bus,
    sink: { emit: () => undefined },
    version: 'test',
    startedAt: Date.now(),
    netboot: () => ({ dhcp: 'off' }),
  };
  const router = buildApi(ctx, (tok) => (tok === 'A' ? 'admin' : tok === 'R' ? 'read' : null));
  const call = (method: string, path: string, body?: unknown, token = 'A') => {
    const u = new URL(path, 'http://x');
    return router.request({ method, path: u.pathname, query: u.searchParams, headers: token ? { authorization: `Bearer ${token}` } : {}, body });
  };
  return { call, store, bus, db };
}

t.test('auth: healthz open, API needs a token, read token cannot write', async (t) => {
  const { call } = await api();
  t.equal((await call('GET', '/healthz', undefined, '')).status, 200);
  const no = await call('GET', '/v1/nodes', undefined, '');
  t.equal(no.status, 401);
  t.match(no.body, { error: { code: 'E_AUTH' } });
  t.equal((await call('GET', '/v1/nodes', undefined, 'wrong')).status, 401);
  t.equal((await call('GET', '/v1/nodes', undefined, 'R')).status, 200);
  t.equal((await call('POST', '/v1/nodes', { name: 'a', mac: '52:54:00:00:00:01' }, 'R')).status, 403);
  t.equal((await call('GET', '/v1/nodes?token=R', undefined, '')).status, 200, 'token in the query (EventSource, TVs)');
});

t.test('nodes: stable error codes and JSON errors', async (t) => {
  const { call } = await api();
  const created = await call('POST', '/v1/nodes', { name: 'pbx01', mac: 'AA-BB-CC-DD-EE-01' });
  t.equal(created.status, 201);
  t.match(created.body, { node: { name: 'pbx01', macs: ['aa:bb:cc:dd:ee:01'] } });
  t.match(await call('POST', '/v1/nodes', { name: 'pbx02', mac: 'nope' }), { status: 400, body: { error: { code: 'E_BAD_MAC', value: 'nope' } } });
  t.match(await call('POST', '/v1/nodes', { name: 'pbx01', mac: 'aa:bb:cc:dd:ee:02' }), { status: 409, body: { error: { code: 'E_CONFLICT' } } });
  t.match(await call('POST', '/v1/nodes', { mac: 'aa:bb:cc:dd:ee:02' }), { status: 400, body: { error: { message: 'missing field "name"' } } });
  t.match(await call('POST', '/v1/nodes', { name: 'x', mac: 'aa:bb:cc:dd:ee:03', tenant: 'nope' }), { status: 400, body: { error: { value: 'nope' } } });
  t.match(await call('GET', '/v1/nodes/zzz'), { status: 404, body: { error: { code: 'E_NOT_FOUND' } } });
  t.equal((await call('GET', '/v1/nope')).status, 404);
  t.equal((await call('PUT', '/v1/nodes')).status, 405);
  t.match(await call('GET', '/v1/nodes/aabb.ccdd.ee01'), { status: 200, body: { node: { name: 'pbx01' } } });
  t.match(await call('GET', '/v1/status'), { status: 200, body: { nodes: { total: 1, byState: { enrolled: 1 } } } });
});

t.test('accept a discovered node, refuse accepting twice, rm refuses a serving node', async (t) => {
  const { call, store } = await api();
  await store.nodes.create({ name: 'disc-525400000009', macs: ['52:54:00:00:00:09'], state: 'discovered' });
  t.match(await call('POST', '/v1/nodes/52:54:00:00:00:09/accept', { name: 'pbx09' }), { status: 200, body: { node: { name: 'pbx09', state: 'enrolled' } } });
  t.match(await call('POST', '/v1/nodes/pbx09/accept', {}), { status: 409, body: { error: { code: 'E_TRANSITION' } } });
  await store.nodes.transition('pbx09', 'booting');
  await store.nodes.transition('pbx09', 'ready');
  t.match(await call('DELETE', '/v1/nodes/pbx09'), { status: 409, body: { error: { code: 'E_REFUSED' } } });
  t.match(await call('DELETE', '/v1/nodes/pbx09?force=1'), { status: 200, body: { node: { state: 'removed' } } });
});

t.test('events: filters, and follow streams backlog then live events without gaps', async (t) => {
  const { call, store, bus } = await api();
  bus.publish(await store.events.append([{ mac: '52:54:00:00:00:01', stage: 'dhcp.discover' }, { mac: '52:54:00:00:00:02', stage: 'tftp.rrq' }]));
  const r = await call('GET', '/v1/events?mac=52-54-00-00-00-01');
  t.same((r.body as { events: BootEvent[] }).events.map((e) => e.stage), ['dhcp.discover']);
  t.match(await call('GET', '/v1/events?since=yesterday-ish'), { status: 400, body: { error: { value: 'yesterday-ish' } } });
  const follow = await call('GET', '/v1/events?follow=1&stage=dhcp.');
  const got: string[] = [];
  const stop = follow.sse!.open((_e, data) => got.push((data as BootEvent).stage), () => undefined);
  bus.publish(await store.events.append([{ stage: 'dhcp.offer' }, { stage: 'tftp.oack' }]));
  await new Promise((r) => setTimeout(r, 50));
  bus.publish(await store.events.append([{ stage: 'dhcp.ack' }]));
  stop();
  bus.publish(await store.events.append([{ stage: 'dhcp.nak' }]));
  t.same(got, ['dhcp.discover', 'dhcp.offer', 'dhcp.ack'], 'backlog, then live, filtered, none after close');
});

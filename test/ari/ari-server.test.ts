// The test ARI server speaks Asterisk's ARI: every route and every emitted event exists in Asterisk's api-docs, and ari-client connects to it unchanged.
import t from 'tap';
import ari from 'ari-client';
import WebSocket from 'ws';
import { ApiDocs, type SwaggerModel } from '../ari-server/api-docs.js';
import { routes, TestAriServer } from '../ari-server/server.js';

const docs = new ApiDocs();
const models = docs.models();

t.test('every implemented route is an operation of the api-docs', async (t) => {
  t.ok(routes.length >= 13);
  for (const r of routes) t.ok(docs.hasOperation(r.method, r.path), `${r.method} ${r.path}`);
  t.notOk(docs.hasOperation('GET', '/no/such/route'), 'the check can fail');
});

/** Checks a value against a Swagger model: no unknown fields, required ones present, nested models too. */
function conforms(value: Record<string, unknown>, model: SwaggerModel, where: string, problems: string[]): void {
  const props: Record<string, { type: string; required?: boolean }> = { ...model.properties };
  // Events inherit Event's and Message's fields (events.json: Message → Event → subtypes).
  for (const parent of ['Event', 'Message']) {
    if (model.id !== 'Message' && (models.get(parent)?.subTypes?.includes(model.id) || (parent === 'Message' && models.get('Event')?.subTypes?.includes(model.id))))
      Object.assign(props, models.get(parent)!.properties);
  }
  for (const [k, v] of Object.entries(value)) {
    const p = props[k];
    if (!p) problems.push(`${where}.${k} is not a field of ${model.id}`);
    else if (models.has(p.type) && v && typeof v === 'object') conforms(v as Record<string, unknown>, models.get(p.type)!, `${where}.${k}`, problems);
  }
  for (const [k, p] of Object.entries(props)) if (p.required && !(k in value)) problems.push(`${where}.${k} (required by ${model.id}) is missing`);
}

t.test('ari-client connects unchanged, lists endpoints and receives call events that conform to events.json', async (t) => {
  const server = new TestAriServer({ user: 'u1', password: 'p@ss:w/rd' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '1001');
  server.addEndpoint('PJSIP', '1002');
  await server.listen();
  const client = await ari.connect(server.url, 'u1', 'p@ss:w/rd');
  t.teardown(() => client.stop());
  const eps = await client.endpoints.list();
  t.same(eps.map((e) => e.resource).sort(), ['1001', '1002']);
  const seen: string[] = [];
  const gotEndpointChange = new Promise<Record<string, unknown>>((resolve) => client.on('EndpointStateChange', (ev: Record<string, unknown>) => resolve(ev)));
  client.on('*', (ev: { type: string }) => seen.push(ev.type));
  await client.start('pbxboot');
  await client.applications.subscribe({ applicationName: 'pbxboot', eventSource: 'endpoint:PJSIP/1001,deviceState:PJSIP/1001' });
  t.same(server.subscriptions('pbxboot').sort(), ['deviceState:PJSIP/1001', 'endpoint:PJSIP/1001']);
  const id = server.startCall('PJSIP/1001', 30);
  server.startCall('PJSIP/1002', 10); // not subscribed: must not reach the app
  const ev = await gotEndpointChange;
  t.same((ev.endpoint as { channel_ids: string[] }).channel_ids, [id]);
  t.match(ev.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/, "Asterisk's timestamp format");
  await new Promise((r) => setTimeout(r, 100));
  t.same(seen, ['ChannelCreated', 'EndpointStateChange', 'DeviceStateChanged', 'ChannelStateChange', 'ChannelDestroyed', 'EndpointStateChange', 'DeviceStateChanged']);
  const problems: string[] = [];
  for (const e of server.emitted) {
    const m = models.get(e.type);
    if (!m) problems.push(`${e.type} is not an event of events.json`);
    else conforms(e, m, e.type, problems);
  }
  t.same(problems, [], 'every emitted event and field is defined in events.json');
  t.equal(server.emitted.length, 7);
  // Channels, reload, config/dynamic through ari-client's generated operations.
  t.same(await client.channels.list(), []);
  await client.asterisk.reloadModule({ moduleName: 'res_pjsip.so' });
  t.same(server.reloads, ['res_pjsip.so']);
});

t.test('auth: 401 on bad credentials, Basic and api_key accepted; late endpoints load via config/dynamic; 503 during a restart', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '2001', { loaded: false });
  await server.listen();
  const get = (path: string, auth?: string) => fetch(server.url + path, auth ? { headers: { authorization: 'Basic ' + Buffer.from(auth).toString('base64') } } : {});
  t.equal((await get('/ari/endpoints', 'u:bad')).status, 401);
  t.equal((await get('/ari/endpoints')).status, 401);
  t.equal((await get('/ari/endpoints?api_key=u:pw')).status, 200);
  t.equal((await get('/ari/endpoints/PJSIP/2001', 'u:pw')).status, 404, 'inserted after boot: invisible');
  const cfg = await get('/ari/asterisk/config/dynamic/res_pjsip/endpoint/2001', 'u:pw');
  t.equal(cfg.status, 200);
  t.equal((await get('/ari/endpoints/PJSIP/2001', 'u:pw')).status, 200, 'visible once loaded');
  const res = await get('/ari/api-docs/resources.json', 'u:pw');
  t.equal(((await res.json()) as { basePath: string }).basePath, `http://127.0.0.1:${server.port}/ari`);
  const bad = new WebSocket(`ws://127.0.0.1:${server.port}/ari/events?app=a&api_key=u:nope`);
  const status = await new Promise((resolve) => bad.on('unexpected-response', (_req, r) => resolve(r.statusCode)));
  t.equal(status, 401);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ari/events?app=a&api_key=u:pw`);
  await new Promise((r) => ws.on('open', r));
  const closed = new Promise((r) => ws.on('close', r));
  server.restart(0.3);
  await closed;
  t.equal((await get('/ari/endpoints', 'u:pw')).status, 503);
  await new Promise((r) => setTimeout(r, 350));
  t.equal((await get('/ari/endpoints', 'u:pw')).status, 200);
});

t.test('standalone process with HTTP test controls; originate and hangup through ari-client', async (t) => {
  const { execa } = await import('execa');
  const net = await import('node:net');
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as import('node:net').AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const proc = execa(process.execPath, ['--import', 'tsx', 'test/ari-server/main.ts', '--port', String(port), '--user', 'su', '--pass', 'sp'], { reject: false });
  t.teardown(() => void proc.kill());
  await new Promise<void>((resolve, reject) => {
    proc.stdout?.on('data', (b: Buffer) => /test ARI server on/.test(String(b)) && resolve());
    void proc.then((r) => reject(new Error(`server exited: ${r.stderr}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  const post = (path: string, body: unknown) => fetch(base + path, { method: 'POST', body: JSON.stringify(body) });
  t.equal((await post('/_test/endpoints', { tech: 'PJSIP', resource: '4001' })).status, 200);
  const client = await ari.connect(base, 'su', 'sp');
  t.teardown(() => client.stop());
  await client.start('pbxboot');
  await client.applications.subscribe({ applicationName: 'pbxboot', eventSource: 'endpoint:PJSIP/4001' });
  const destroyed = new Promise((r) => client.once('ChannelDestroyed', r));
  const call = (await (await post('/_test/calls', { endpoint: 'PJSIP/4001', ms: 0 })).json()) as { id: string };
  const originated = (await (client.channels as unknown as { originate(a: object): Promise<{ id: string }> }).originate({ endpoint: 'PJSIP/4001', extension: '100' }));
  t.ok(originated.id);
  t.equal((await client.channels.list()).length, 2);
  await fetch(`${base}/ari/channels/${call.id}?api_key=su:sp`, { method: 'DELETE' });
  await destroyed;
  const stats = (await (await fetch(`${base}/_test/stats`)).json()) as { hangupsRequested: number; channels: number; apps: string[] };
  t.match(stats, { hangupsRequested: 1, channels: 1, apps: ['pbxboot'] });
  t.equal((await post('/_test/restart', { seconds: 0.2 })).status, 204);
  t.equal((await fetch(`${base}/ari/endpoints?api_key=su:sp`)).status, 503);
});

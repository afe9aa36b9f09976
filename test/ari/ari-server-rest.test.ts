// The test ARI server's REST side against Asterisk's api-docs: response bodies match each operation's responseClass,
// required parameters are enforced, and a Stasis call (answer, bridge, originate, hangup) runs through ari-client unchanged.
import t from 'tap';
import ari, { type AriClient } from 'ari-client';
import WebSocket from 'ws';
import { ApiDocs } from '../ari-server/api-docs.js';
import { conformsTo } from '../ari-server/conform.js';
import { TestAriServer } from '../ari-server/server.js';

const docs = new ApiDocs();
const models = docs.models();

/** The slice of ari-client's generated API this test drives (our ari-client.d.ts types only what pbxboot uses). */
interface Instance {
  id: string;
  answer(): Promise<void>;
  hangup(): Promise<void>;
}
interface StasisClient {
  channels: { originate(a: { endpoint: string; app: string; appArgs?: string }): Promise<{ id: string; state: string }> };
  bridges: {
    create(a: { type: string; bridgeId?: string; name?: string }): Promise<{ id: string; bridge_type: string }>;
    addChannel(a: { bridgeId: string; channel: string }): Promise<void>;
    list(): Promise<{ id: string; channels: string[] }[]>;
    destroy(a: { bridgeId: string }): Promise<void>;
  };
  applications: { get(a: { applicationName: string }): Promise<{ channel_ids: string[]; bridge_ids: string[] }> };
}

async function until(what: string, cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

t.test('every GET route answers with its api-docs responseClass (fields, required fields, Date format)', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '1001');
  server.addEndpoint('PJSIP', '1002');
  await server.listen();
  const auth = { authorization: 'Basic ' + Buffer.from('u:pw').toString('base64') };
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ari/events?app=probe&api_key=u:pw`);
  t.teardown(() => ws.close());
  await new Promise((r) => ws.on('open', r));
  const call = server.startCall('PJSIP/1001', 0, { app: 'probe' });
  const br = await fetch(`${server.url}/ari/bridges?type=mixing&name=b`, { method: 'POST', headers: auth });
  t.equal(br.status, 200);
  const bridge = (await br.json()) as { id: string };
  t.equal((await fetch(`${server.url}/ari/bridges/${bridge.id}/addChannel?channel=${call}`, { method: 'POST', headers: auth })).status, 204);
  const gets: [string, string][] = [
    ['/asterisk/info', '/asterisk/info'],
    ['/asterisk/ping', '/asterisk/ping'],
    ['/asterisk/config/dynamic/res_pjsip/endpoint/1001', '/asterisk/config/dynamic/{configClass}/{objectType}/{id}'],
    ['/channels', '/channels'],
    [`/channels/${call}`, '/channels/{channelId}'],
    ['/endpoints', '/endpoints'],
    ['/endpoints/PJSIP', '/endpoints/{tech}'],
    ['/endpoints/PJSIP/1001', '/endpoints/{tech}/{resource}'],
    ['/deviceStates', '/deviceStates'],
    ['/deviceStates/' + encodeURIComponent('PJSIP/1001'), '/deviceStates/{deviceName}'],
    ['/applications', '/applications'],
    ['/applications/probe', '/applications/{applicationName}'],
    ['/bridges', '/bridges'],
    [`/bridges/${bridge.id}`, '/bridges/{bridgeId}'],
  ];
  for (const [url, swaggerPath] of gets) {
    const op = docs.operation('GET', swaggerPath);
    t.ok(op?.responseClass, `GET ${swaggerPath} is in the api-docs`);
    const res = await fetch(`${server.url}/ari${url}`, { headers: auth });
    t.equal(res.status, 200, `GET ${url}`);
    t.same(conformsTo(await res.json(), op!.responseClass!, models, `GET ${url}`), [], `GET ${url} is a ${op!.responseClass}`);
  }
  t.same(conformsTo({ id: 'x', surprise: 1 }, 'Channel', models).length > 1, true, 'the check can fail');
  t.match(conformsTo({ name: 'a', state: 'x' }, 'DeviceState', models), [], 'and pass');
});

t.test('required parameters as the api-docs declare them: 400 when missing, from the query or a JSON body', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '1001');
  await server.listen();
  const req = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}/ari${path}${path.includes('?') ? '&' : '?'}api_key=u:pw`, { method, ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  const noEndpoint = await req('POST', '/channels');
  t.equal(noEndpoint.status, 400);
  t.same(await noEndpoint.json(), { message: 'Missing parameter endpoint' });
  t.equal((await req('POST', '/channels', { endpoint: 'PJSIP/1001', extension: '100' })).status, 200, 'body keys count as query parameters');
  t.equal((await req('POST', '/bridges/b1')).status, 200);
  t.equal((await req('POST', '/bridges/b1/addChannel')).status, 400, 'addChannel needs channel');
  t.equal((await req('POST', '/bridges/b1/addChannel?channel=nope')).status, 400, 'unknown channel');
  const ch = [...server.pbx.channels.keys()][0]!;
  t.equal((await req('POST', `/bridges/b1/addChannel?channel=${ch}`)).status, 422, 'a channel outside Stasis cannot be bridged');
  t.equal((await req('POST', `/channels/${ch}/answer`)).status, 409, 'nor answered');
  t.equal((await req('POST', '/channels/nope/answer')).status, 404);
  t.equal((await req('POST', '/applications/none/subscription?eventSource=endpoint:PJSIP/1001')).status, 404, 'unknown app');
  t.equal((await req('GET', '/deviceStates/' + encodeURIComponent('PJSIP/9999'))).status, 404);
});

t.test('a Stasis call through ari-client: StasisStart, answer, bridge, originate, hangup; events conform to events.json', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '1001');
  server.addEndpoint('PJSIP', '1002');
  await server.listen();
  const client: AriClient = await ari.connect(server.url, 'u', 'pw');
  t.teardown(() => client.stop());
  const api = client as unknown as StasisClient;
  const seen: string[] = [];
  const started: Instance[] = [];
  client.on('*', (ev: { type: string }) => seen.push(ev.type));
  client.on('StasisStart', (_ev: unknown, ch: Instance) => started.push(ch));
  await client.start('cc');

  const inbound = server.startCall('PJSIP/1001', 0, { app: 'cc' });
  await until('StasisStart', () => started.length === 1);
  t.equal(started[0]!.id, inbound, 'the channel reached the app without any subscription');
  t.equal(server.pbx.channels.get(inbound)!.state, 'Ring');
  await started[0]!.answer();
  t.equal(server.pbx.channels.get(inbound)!.state, 'Up', 'answered by the app');
  await until('state change', () => seen.includes('ChannelStateChange'));

  const out = await api.channels.originate({ endpoint: 'PJSIP/1002', app: 'cc', appArgs: 'dialed' });
  t.equal(out.state, 'Up');
  await until('second StasisStart', () => started.length === 2);
  const bridge = await api.bridges.create({ type: 'mixing', name: 'call-1' });
  t.equal(bridge.bridge_type, 'mixing');
  await api.bridges.addChannel({ bridgeId: bridge.id, channel: `${inbound},${out.id}` });
  t.same((await api.bridges.list())[0]!.channels, [inbound, out.id]);
  t.same((await api.applications.get({ applicationName: 'cc' })).bridge_ids, [bridge.id], 'the app follows the bridge its channels entered');
  await until('entered twice', () => seen.filter((s) => s === 'ChannelEnteredBridge').length === 2);

  await started[1]!.hangup();
  t.equal(server.hangupsRequested, 1, 'the client hangup is counted');
  await until('left and ended', () => seen.includes('ChannelLeftBridge') && seen.includes('StasisEnd'));
  await api.bridges.destroy({ bridgeId: bridge.id });
  await until('bridge destroyed', () => seen.includes('BridgeDestroyed'));
  server.hangup(inbound);
  await until('two StasisEnd', () => seen.filter((s) => s === 'StasisEnd').length === 2);
  t.same((await api.applications.get({ applicationName: 'cc' })).channel_ids, [], 'ended channels leave the app');

  const problems = server.emitted.flatMap((e) => (models.has(e.type) ? conformsTo(e, e.type, models) : [`${e.type} is not an event of events.json`]));
  t.same(problems, [], 'every emitted event conforms to events.json');
  t.ok(server.emitted.length >= 10);
});

t.test('one WebSocket per application: the newer wins, the older gets ApplicationReplaced and nothing more', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '1001');
  await server.listen();
  const open = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ari/events?app=one&api_key=u:pw`);
    const got: { type: string; application: string }[] = [];
    ws.on('message', (m) => got.push(JSON.parse(String(m)) as { type: string; application: string }));
    await new Promise((r) => ws.on('open', r));
    t.teardown(() => ws.close());
    return got;
  };
  const first = await open();
  await fetch(`${server.url}/ari/applications/one/subscription?eventSource=endpoint:PJSIP/1001&api_key=u:pw`, { method: 'POST' });
  const second = await open();
  await until('replaced', () => first.length === 1);
  t.match(first, [{ type: 'ApplicationReplaced', application: 'one' }]);
  t.same(server.subscriptions('one'), ['endpoint:PJSIP/1001'], 'the application keeps its subscriptions');
  server.startCall('PJSIP/1001', 10);
  await until('call events on the new socket', () => second.some((e) => e.type === 'ChannelDestroyed'));
  t.equal(first.length, 1, 'the replaced socket receives nothing more');
  t.same(server.emitted.flatMap((e) => conformsTo(e, e.type, models)), []);
});

// Issue 7 end to end on one pbxboot (from source) and three test ARI servers
// speaking Asterisk's own ARI descriptions: nodes phone home and their daemons
// connect out; agents spread evenly after each join; a drain moves idle agents
// at once and busy ones only when their calls end, hanging up nothing; a node
// whose ARI stays down past the grace period is failed and its agents re-homed.
import t from 'tap';
import { startApp, type App } from '../../src/app.js';
import { validateConfig } from '../../src/config/load.js';
import { TestAriServer } from '../ari-server/server.js';
import { decodeBundle } from '../../src/boot/bundle-tar.js';
import { ARI_HASH_ROUNDS } from '../../src/render/node-renderer.js';
import { verifySha512Crypt } from '../../src/render/sha512-crypt.js';
import type { Node } from '../../src/cluster/nodes.js';
import type { AgentView } from '../../src/http/routes/cluster.js';
import { freePort } from '../helpers/free-port.js';
import { serverDir } from '../helpers/server-dir.js';

const until = async (what: string, fn: () => Promise<boolean> | boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

t.test('joins, drain with live calls, ARI failure', { timeout: 600_000 }, async (t) => {
  const dir = serverDir(t);
  const ariPort = 20000 + Math.floor(Math.random() * 20000);
  const config = validateConfig({ dataDir: dir, http: { port: await freePort() }, ari: { port: ariPort, graceSeconds: 10 }, logLevel: 'error' }, 'test');
  const app: App = await startApp(config);
  t.teardown(() => app.close());
  const token = (await import('node:fs')).readFileSync(`${dir}/api-token`, 'utf8').trim();
  const api = async <T>(method: string, path: string, body?: unknown, type = 'application/json'): Promise<T> => {
    const r = await fetch(app.url + path, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const j = (await r.json()) as T;
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
  const exts = Array.from({ length: 30 }, (_, i) => String(3000 + i));
  await api('POST', '/v1/agents/import', ['id,extension,name,tenant,department', ...exts.map((e) => `${e},${e},Agent ${e},default,inbound`)].join('\n'), 'text/csv');

  const servers = new Map<string, TestAriServer>();
  const nodes: Node[] = [];
  const agentsOn = async () => {
    const a = (await api<{ agents: AgentView[] }>('GET', '/v1/agents')).agents;
    return nodes.map((n) => a.filter((x) => x.node === n.id).map((x) => x.id));
  };
  for (const [i, name] of ['pbx01', 'pbx02', 'pbx03'].entries()) {
    const ip = `127.0.0.${11 + i}`;
    const { node } = await api<{ node: Node }>('POST', '/v1/nodes', { name, mac: `52:54:00:00:07:0${i}`, ip });
    const creds = await app.store.secrets.ari(node.id, node.name);
    const ari = new TestAriServer({ user: creds.user, password: creds.password });
    for (const e of exts) ari.addEndpoint('PJSIP', e);
    await ari.listen(ariPort, ip);
    t.teardown(() => ari.close());
    servers.set(node.id, ari);
    nodes.push(node);
    // The node boots: iPXE script (one-time token), bundle, phone-home.
    const script = await (await fetch(`${app.url}/boot/ipxe/${node.macs[0]}`)).text();
    const bootToken = /pbxboot\.token=(\S+)/.exec(script)![1]!;
    const bundle = decodeBundle(Buffer.from(await (await fetch(`${app.url}/v1/boot/${node.id}/bundle?token=${bootToken}`)).arrayBuffer()));
    t.match(bundle.files.get('ari.conf')!.toString(), new RegExp(`\\[${creds.user}\\][\\s\\S]*password_format\\s*=\\s*crypt`), 'ari.conf has the node\'s crypt user');
    t.notMatch(bundle.files.get('ari.conf')!.toString(), creds.password, 'never the password itself');
    const hash = /^password\s*=\s*(\S+)/m.exec(bundle.files.get('ari.conf')!.toString())?.[1] ?? '';
    t.ok(hash.startsWith(`$6$rounds=${ARI_HASH_ROUNDS}$`) && verifySha512Crypt(creds.password, hash), `the crypt hash of the node's password, ${ARI_HASH_ROUNDS} rounds`);
    await fetch(`${app.url}/v1/boot/${node.id}/events?token=${bundle.manifest.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stage: 'ready' }) });
    await until(`${name} active`, async () => (await api<{ node: Node }>('GET', `/v1/nodes/${name}`)).node.state === 'active');
    const want = 30 / nodes.length;
    await until(`even after ${name} joins`, async () => (await agentsOn()).every((l) => l.length === want));
    t.pass(`${name} joined: ${(await agentsOn()).map((l) => l.length).join('/')}`);
  }
  t.same(servers.get(nodes[0]!.id)!.connectedApps(), ['pbxboot'], 'the daemon connected OUT to the node\'s ARI with the Stasis app');

  // Drain pbx01 while 5 of its agents are on calls of different lengths.
  const [n1, n2, n3] = nodes as [Node, Node, Node];
  const ari1 = servers.get(n1.id)!;
  const on1 = (await agentsOn())[0]!;
  const busy = on1.slice(0, 5);
  busy.forEach((a, k) => ari1.startCall(`PJSIP/${a}`, 1500 + 400 * k));
  await until('calls seen as busy', async () => (await api<{ assignments: { agent: string; state: string }[] }>('GET', '/v1/assignments')).assignments.filter((x) => x.state === 'busy').length === 5);
  const t0 = Date.now();
  const drained = await api<{ node: Node }>('POST', '/v1/nodes/pbx01/drain');
  t.equal(drained.node.state, 'draining');
  t.same([...(await agentsOn())[0]!].sort(), [...busy].sort(), 'idle agents moved at once; the 5 busy ones stay until their call ends');
  await until('pbx01 drained', async () => (await api<{ node: Node }>('GET', '/v1/nodes/pbx01')).node.state === 'drained', 30_000).catch(async (e: unknown) => {
    t.comment(JSON.stringify({ on: (await agentsOn()).map((l) => l.length), dash: (await api<{ nodes: unknown[] }>('GET', '/v1/dashboard')).nodes, ch: [...ari1.pbx.channels.keys()], ev: Object.entries((await api<{ events: { stage: string; detail: { reason?: string } }[] }>('GET', '/v1/events?stage=agent.&limit=2000')).events.reduce((m: Record<string, number>, e) => ((m[e.stage + ' ' + (e.detail.reason ?? '')] = (m[e.stage + ' ' + (e.detail.reason ?? '')] ?? 0) + 1), m), {})) }));
    throw e;
  });
  t.comment(`drained ${Date.now() - t0} ms after the drain (calls lasted up to 3.1 s)`);
  t.same((await agentsOn())[0], [], 'no agents left on pbx01');
  t.equal(ari1.hangupsRequested, 0, 'pbxboot hung up no call');
  t.same((await agentsOn()).slice(1).map((l) => l.length), [15, 15]);

  // pbx03's ARI drops for longer than the grace period: failed, agents re-homed.
  servers.get(n3.id)!.restart(30);
  await until('pbx03 failed', async () => (await api<{ node: Node }>('GET', '/v1/nodes/pbx03')).node.state === 'failed', 30_000);
  const failedAt = Date.now();
  await until('re-homed', async () => (await agentsOn())[1]!.length === 30);
  t.comment(`re-homed ${Date.now() - failedAt} ms after the failure was detected`);
  t.ok(Date.now() - failedAt < 5000, 're-homing < 5 s after detection');
  t.equal((await api<{ node: Node }>('GET', `/v1/nodes/${n2.id}`)).node.state, 'active');
  const events = (await api<{ events: { stage: string }[] }>('GET', '/v1/events?stage=agent.moved&limit=1000')).events;
  t.ok(events.length >= 30, `every move is an event (${events.length})`);
});

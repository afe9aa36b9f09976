// Boot routes as a pure function: iPXE script per node, discovered MACs, the
// one-time token bound to the lease IP, the bundle, phone-home.
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildApi } from '../../src/http/api.js';
import type { ApiContext } from '../../src/http/context.js';
import { EventBus } from '../../src/events/bus.js';
import { openSqlite } from '../../src/store/sqlite.js';
import { migrate } from '../../src/store/migrate.js';
import { stateStoreOn } from '../../src/store/state-store.js';
import { validateConfig } from '../../src/config/load.js';
import { compileIpxe } from '../../src/boot/ipxe-script.js';
import { decodeBundle } from '../../src/boot/bundle-tar.js';
import { templatesDir } from '../../src/app.js';
import type { BootEventInput } from '../../src/events/event.js';

async function setup(t: Test, enroll: 'manual' | 'auto' = 'manual') {
  const images = t.testdir({ 'asterisk-node': { vmlinuz: 'KERNEL', 'initrd.img': 'INITRD' } });
  const db = openSqlite(':memory:');
  await migrate(db, 'state');
  const bus = new EventBus();
  const store = stateStoreOn(db, bus);
  const emitted: BootEventInput[] = [];
  const ctx: ApiContext = {
    config: validateConfig({ enroll }, 'test'),
    store,
    bus,
    sink: { emit: (e) => emitted.push(e) },
    version: 'test',
    startedAt: Date.now(),
    netboot: () => ({}),
  };
  const ipxe = compileIpxe({
    node: readFileSync(join(templatesDir, 'ipxe', 'node.ipxe.hbs'), 'utf8'),
    unknown: readFileSync(join(templatesDir, 'ipxe', 'unknown.ipxe.hbs'), 'utf8'),
  });
  const readied: string[] = [];
  const router = buildApi(ctx, () => null, {
    onError: (e) => t.comment(String((e as Error).stack)),
    boot: { ipxe, imagesDir: images, bundleFiles: async (n) => [{ name: 'asterisk.conf', content: `[options]\nsystemname=${n.name}\n` }], onReady: async (n) => void readied.push(n.name) },
  });
  const call = (method: string, path: string, opts: { ip?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const u = new URL(path, 'http://x');
    return router.request({ method, path: u.pathname, query: u.searchParams, headers: { host: '10.0.0.1:8080', ...opts.headers }, body: opts.body, remoteAddress: opts.ip ?? '10.0.0.50' });
  };
  return { call, store, emitted, readied, images };
}

t.test('unknown MAC: recorded as discovered, gets the halt/reboot script, never a token', async (t) => {
  const { call, store, emitted } = await setup(t);
  const r = await call('GET', '/boot/ipxe/52-54-00-AA-BB-CC');
  t.equal(r.status, 200);
  t.match(String(r.body), /not set up to boot/);
  t.notMatch(String(r.body), /pbxboot\.token=/);
  t.equal((await store.nodes.get('52:54:00:aa:bb:cc')).state, 'discovered');
  t.ok(emitted.some((e) => e.stage === 'http.ipxe-refused'));
  t.equal((await call('GET', '/boot/ipxe/not-a-mac')).status, 400);
});

t.test('enrolled node: script → bundle (token + IP) → ready; reuse and foreign IP refused', async (t) => {
  const { call, store, readied } = await setup(t);
  const node = await store.nodes.create({ name: 'pbx01', macs: ['52:54:00:12:34:56'] });
  const sr = await call('GET', '/boot/ipxe/52:54:00:12:34:56');
  const script = String(sr.body);
  if (!script.startsWith('#!')) t.comment(JSON.stringify(sr));
  t.match(script, /^#!ipxe/);
  t.match(script, /kernel --name vmlinuz http:\/\/10\.0\.0\.1:8080\/boot\/files\/asterisk-node\/vmlinuz\?node=/);
  t.match(script, new RegExp(`pbxboot\\.node=${node.id}`));
  const token = /pbxboot\.token=(\S+)/.exec(script)![1]!;
  t.equal((await store.nodes.get('pbx01')).state, 'booting');

  const early = await call('POST', `/v1/boot/${node.id}/events?token=${token}`, { body: { stage: 'ready' } });
  t.equal(early.status, 403, 'ready with the boot token (before the bundle) is refused');
  t.equal((await call('POST', `/v1/boot/${node.id}/events?token=${token}`, { body: { stage: 'net.up' } })).status, 200, 'stage events with the boot token');
  t.equal((await call('GET', `/v1/boot/${node.id}/bundle?token=${token}`, { ip: '10.0.0.99' })).status, 403, 'token from another IP');
  t.equal((await call('GET', `/v1/boot/${node.id}/bundle?token=wrong`)).status, 401);
  const b = await call('GET', `/v1/boot/${node.id}/bundle?token=${token}`);
  t.equal(b.status, 200);
  const bundle = decodeBundle(b.body as Buffer);
  t.match(bundle.files.get('asterisk.conf')!.toString(), /systemname=pbx01/);
  t.equal(bundle.manifest.node, node.id);
  const nodeToken = bundle.manifest.token!;
  t.not(nodeToken, token, 'a new node token replaces the spent boot token');
  t.equal((await store.nodes.get('pbx01')).state, 'configured');
  t.equal((await call('GET', `/v1/boot/${node.id}/bundle?token=${token}`)).status, 410, 'boot token is single-use');
  t.equal((await call('POST', `/v1/boot/${node.id}/events?token=${token}`, { body: { stage: 'ready' } })).status, 403, 'spent boot token cannot phone home ready');
  t.equal((await call('POST', `/v1/boot/${node.id}/events?token=${token}`, { body: { stage: 'bundle.fetched' } })).status, 200, 'but may still report a stage');

  const poll = await call('GET', `/v1/boot/${node.id}/bundle?token=${nodeToken}`, { headers: { 'if-none-match': b.headers!.etag! } });
  t.equal(poll.status, 304, 'unchanged bundle: 304 on the ETag poll');
  const ready = await call('POST', `/v1/boot/${node.id}/events?token=${nodeToken}`, { body: { stage: 'ready', detail: { uptime: '12.3' } } });
  t.match(ready, { status: 200, body: { state: 'ready' } });
  t.same(readied, ['pbx01'], 'registration hook ran');
  t.match(await call('POST', `/v1/boot/${node.id}/events?token=${nodeToken}`, { body: { stage: 'bad stage!' } }), { status: 400 });
});

t.test('removed node and disabled netboot are refused; drained node comes back drained', async (t) => {
  const { call, store } = await setup(t);
  const a = await store.nodes.create({ name: 'gone', macs: ['52:54:00:00:00:01'] });
  await store.nodes.transition(a.id, 'removed');
  t.match(String((await call('GET', '/boot/ipxe/52:54:00:00:00:01')).body), /reason: node removed/);
  const b = await store.nodes.create({ name: 'cordon', macs: ['52:54:00:00:00:02'] });
  await store.nodes.update(b.id, { cordoned: true });
  const token = /pbxboot\.token=(\S+)/.exec(String((await call('GET', '/boot/ipxe/52:54:00:00:00:02')).body))![1]!;
  const nt = decodeBundle((await call('GET', `/v1/boot/${b.id}/bundle?token=${token}`)).body as Buffer).manifest.token!;
  t.match(await call('POST', `/v1/boot/${b.id}/events?token=${nt}`, { body: { stage: 'ready' } }), { body: { state: 'drained' } });
  // The spent boot token (anyone on the boot LAN can read it) cannot fail the running node.
  t.match(await call('POST', `/v1/boot/${b.id}/events?token=${token}`, { body: { stage: 'failed', detail: { reason: 'replayed' } } }), { body: { state: 'drained' } });
  t.equal((await store.nodes.get(b.id)).state, 'drained');
});

t.test('auto enrolment boots an unknown MAC', async (t) => {
  const { call } = await setup(t, 'auto');
  t.match(String((await call('GET', '/boot/ipxe/52:54:00:00:00:07')).body), /pbxboot\.token=/);
});

t.test('boot files are confined to the images dir', async (t) => {
  const { call, images, emitted } = await setup(t);
  mkdirSync(join(images, 'x'), { recursive: true });
  writeFileSync(join(images, 'x', 'f'), 'F');
  t.match(await call('GET', '/boot/files/x/f'), { status: 200, file: { path: join(images, 'x', 'f') } });
  t.equal((await call('GET', '/boot/files/x/../../etc/passwd')).status, 404);
  t.equal((await call('GET', '/boot/files/..%2f..%2fetc%2fpasswd')).status, 404);
  t.ok(emitted.some((e) => e.stage === 'http.denied'));
});

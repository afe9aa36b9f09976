// The wall-TV dashboard in headless Debian Chromium (playwright-core, no browser
// download) against a real `pbxboot serve`: nodes join and boot, and the page
// follows every change over its one SSE stream without a reload.
import t from 'tap';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { chromium, type Page } from 'playwright-core';
import { pbx, startServe } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { TestAriServer } from '../ari-server/server.js';
import { decodeBundle } from '../../src/boot/bundle-tar.js';
import { serverDir } from '../helpers/server-dir.js';

const chromiumPath = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface Row { name: string; state: string; agents: number }
const rows = (page: Page): Promise<Row[]> =>
  page.$$eval('.node', (els) => els.map((e) => ({ name: e.getAttribute('data-node') ?? '', state: e.getAttribute('data-state') ?? '', agents: Number(e.getAttribute('data-agents')) })));

/** Waits until the page (not a reload: the marker must survive) satisfies `ok`. */
async function seen(page: Page, what: string, ok: (r: Row[]) => boolean, ms = 8000): Promise<Row[]> {
  const end = Date.now() + ms;
  let last: Row[] = [];
  while (Date.now() < end) {
    last = await rows(page);
    if (ok(last)) {
      if ((await page.evaluate('window.__marker')) !== 'same page') throw new Error('the page reloaded');
      return last;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the dashboard never showed ${what}; it shows ${JSON.stringify(last)}`);
}

t.test('dashboard follows joins, boots and agent moves live', { timeout: 60_000 }, async (t) => {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} missing: run scripts/test-deps.sh (Debian package chromium)`);
  const t0 = Date.now();
  const dir = serverDir(t);
  const ariPort = 20000 + Math.floor(Math.random() * 20000);
  const profile = serverDir(t, 'pbxboot-chromium-'); // a fresh, empty profile each run
  const [server, ctx] = await Promise.all([
    startServe(['--http-port', String(await freePort()), '--ari-port', String(ariPort), '--ari-grace-seconds', '30', '--log-level', 'error'], { cwd: dir }),
    chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args, viewport: { width: 1920, height: 1080 } }),
  ]);
  t.teardown(() => server.stop());
  t.teardown(() => ctx.close());
  const token = readFileSync(join(dir, 'data', 'dashboard-token'), 'utf8').trim();
  const admin = readFileSync(join(dir, 'data', 'api-token'), 'utf8').trim();
  const api = async <T>(path: string): Promise<T> => (await (await fetch(server.url + path, { headers: { authorization: `Bearer ${admin}` } })).json()) as T;

  const exts = Array.from({ length: 30 }, (_, i) => String(4000 + i));
  writeFileSync(join(dir, 'agents.csv'), ['id,extension,name,tenant,department', ...exts.map((e) => `${e},${e},Agent ${e},default,inbound`)].join('\n') + '\n');
  const imp = await fetch(`${server.url}/v1/agents/import`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/csv' }, body: readFileSync(join(dir, 'agents.csv')) });
  t.equal(imp.status, 200, 'agents imported');
  t.comment(`server up, agents imported at ${Date.now() - t0} ms`);

  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/dashboard?token=${encodeURIComponent(token)}`);
  await page.waitForFunction(() => document.getElementById('conn')?.textContent === 'live', undefined, { timeout: 8000 });
  await page.evaluate('window.__marker = "same page"');
  t.same(await rows(page), [], 'no nodes yet');

  const db = new Database(join(dir, 'data', 'state.db'), { readonly: true, fileMustExist: true });
  t.teardown(() => db.close());
  const aris = new Map<string, TestAriServer>();
  const dash = async () => (await api<{ nodes: Row[] }>('/v1/dashboard')).nodes;
  /** Agents per node once every active node has its even share (the balancer settled). */
  const settled = async (names: string[]): Promise<Row[] | null> => {
    const ns = await dash();
    const active = ns.filter((n) => n.state === 'active');
    const ok = names.every((x) => ns.find((n) => n.name === x)?.state === 'active') && active.every((n) => n.agents === exts.length / active.length);
    return ok ? ns : null;
  };

  // A node joins: `pbxboot nodes add`, then it boots the way a real one does
  // (iPXE script, bundle, phone-home) and its Asterisk answers ARI.
  // The first through the CLI; the others through the API (the CLI from source
  // costs seconds per call on a loaded machine).
  const join_ = async (name: string, i: number, how: 'cli' | 'api') => {
    const mac = `52:54:00:00:08:0${i}`;
    const ip = `127.0.0.${21 + i}`;
    if (how === 'cli') {
      const add = await pbx(['nodes', 'add', mac, '--name', name, '--ip', ip], { cwd: dir });
      t.equal(add.code, 0, add.stderr);
    } else {
      const add = await fetch(`${server.url}/v1/nodes`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name, macs: [mac], ip }) });
      t.equal(add.status, 201, `POST /v1/nodes ${name}`);
    }
    await seen(page, `${name} joining`, (r) => r.some((n) => n.name === name && n.state === 'enrolled'));
    t.pass(`${name} appeared as enrolled without a reload (${Date.now() - t0} ms)`);
    const script = await (await fetch(`${server.url}/boot/ipxe/${mac}`)).text();
    const bootToken = /pbxboot\.token=(\S+)/.exec(script)?.[1];
    t.ok(bootToken, 'iPXE script carries a boot token');
    const bundle = decodeBundle(Buffer.from(await (await fetch(`${server.url}/v1/boot/${name}/bundle?token=${bootToken}`)).arrayBuffer()));
    await seen(page, `${name} configured`, (r) => r.some((n) => n.name === name && n.state === 'configured'));
    const creds = db.prepare('SELECT s.ari_user AS user, s.ari_password AS password FROM node_secrets s JOIN nodes n ON n.id = s.node_id WHERE n.name = ?').get(name) as { user: string; password: string };
    const ari = new TestAriServer(creds);
    for (const e of exts) ari.addEndpoint('PJSIP', e);
    await ari.listen(ariPort, ip);
    t.teardown(() => ari.close());
    aris.set(name, ari);
    const ready = await fetch(`${server.url}/v1/boot/${name}/events?token=${bundle.manifest.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stage: 'ready' }) });
    t.equal(ready.status, 200);
    const now = await seen(page, `${name} ready or active`, (r) => r.some((n) => n.name === name && ['ready', 'active'].includes(n.state)));
    t.pass(`${name}: ${now.find((n) => n.name === name)!.state} without a reload (${Date.now() - t0} ms)`);
  };
  /** When the server reports agents per node, the page shows the same numbers. */
  const agentsOnScreen = async (names: string[]): Promise<number[] | null> => {
    const end = Date.now() + 8000;
    let ns: Row[] | null = null;
    while (Date.now() < end && !(ns = await settled(names))) await new Promise((r) => setTimeout(r, 100));
    const expected = (ns ?? (await dash())).map((n) => n.agents);
    if (!expected.some((n) => n > 0)) return null;
    const shown = await seen(page, `agents ${expected.join('/')}`, (r) => r.map((n) => n.agents).join('/') === expected.join('/'));
    return shown.map((n) => n.agents);
  };

  await join_('pbx01', 1, 'cli');
  const first = await agentsOnScreen(['pbx01']);
  t.comment(`pbx01 joined at ${Date.now() - t0} ms`);
  await Promise.all([join_('pbx02', 2, 'api'), join_('pbx03', 3, 'api')]);
  const all = await agentsOnScreen(['pbx01', 'pbx02', 'pbx03']);
  t.comment(`pbx02 and pbx03 joined at ${Date.now() - t0} ms`);
  if (first && all) {
    t.same([first[0], all], [30, [10, 10, 10]], `pbx01's bar went from ${first[0]} to ${all[0]} agents on screen as nodes joined`);
    // Two calls on pbx01: its calls figure and busy agents follow on screen.
    const on1 = (await api<{ agents: { id: string; node: string | null }[] }>('/v1/agents?node=pbx01')).agents.map((a) => a.id);
    for (const a of on1.slice(0, 2)) aris.get('pbx01')!.startCall(`PJSIP/${a}`, 20_000);
    await page.waitForFunction(() => document.querySelector('.node[data-node="pbx01"] .calls')?.textContent?.startsWith('2'), undefined, { timeout: 8000 });
    t.pass('calls in progress on pbx01 shown live');
  } else {
    t.comment('the server reported no agents per node (no ARI daemons wired): agent bars not checked');
  }

  // The artifact: the wall as a 1080p TV shows it, three nodes with agents.
  mkdirSync(artifacts, { recursive: true });
  const shot = join(artifacts, 'dashboard.png');
  await page.screenshot({ path: shot });
  t.ok(existsSync(shot), `screenshot written to ${shot}`);

  // A drain shows in the row and in the draining list, live; a removed node leaves the wall.
  const drain = await fetch(`${server.url}/v1/nodes/pbx03/drain`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
  t.equal(drain.status, 200, 'drain pbx03');
  await seen(page, 'pbx03 draining or drained', (r) => r.some((n) => n.name === 'pbx03' && ['draining', 'drained'].includes(n.state)));
  const rm = await fetch(`${server.url}/v1/nodes/pbx03?force=1`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
  t.equal(rm.status, 200);
  await seen(page, 'pbx03 gone', (r) => r.length === 2 && !r.some((n) => n.name === 'pbx03'));
  t.same(errors, [], 'no script errors on the page');
  t.equal(await server.stop(), 0, 'serve exits cleanly on SIGTERM');

  t.comment(`whole test ${Date.now() - t0} ms`);
});

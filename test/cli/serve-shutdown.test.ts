// `pbxboot serve` stops in order on SIGTERM while it supervises ARI daemons: the supervisor tells each daemon to
// stop (ari.stopped in the netboot log), the log is flushed, the daemons are gone, and the process exits 0.
import t from 'tap';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServe } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { serverDir } from '../helpers/server-dir.js';
import { decodeBundle } from '../../src/boot/bundle-tar.js';

t.test('SIGTERM with live ARI daemons: an orderly stop, exit 0', { timeout: 90_000 }, async (t) => {
  const dir = serverDir(t);
  const server = await startServe(['--http-port', String(await freePort()), '--ari-port', String(await freePort()), '--log-level', 'error'], { cwd: dir });
  t.teardown(() => server.stop());
  const admin = readFileSync(join(dir, 'data', 'api-token'), 'utf8').trim();
  const auth = { authorization: `Bearer ${admin}` };

  // Two nodes boot and phone home ready; nothing answers their ARI, so their daemons stay up and retry.
  for (const [i, name] of ['pbx01', 'pbx02'].entries()) {
    const mac = `52:54:00:00:09:0${i}`;
    const add = await fetch(`${server.url}/v1/nodes`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name, macs: [mac], ip: `127.0.0.${41 + i}` }) });
    t.equal(add.status, 201, `POST /v1/nodes ${name}`);
    const script = await (await fetch(`${server.url}/boot/ipxe/${mac}`)).text();
    const bootToken = /pbxboot\.token=(\S+)/.exec(script)?.[1];
    const bundle = decodeBundle(Buffer.from(await (await fetch(`${server.url}/v1/boot/${name}/bundle?token=${bootToken}`)).arrayBuffer()));
    const ready = await fetch(`${server.url}/v1/boot/${name}/events?token=${bundle.manifest.token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stage: 'ready' }) });
    t.equal(ready.status, 200, `${name} ready`);
  }
  let pids: number[] = [];
  for (const end = Date.now() + 60_000; pids.length < 2 && Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
    const { events } = (await (await fetch(`${server.url}/v1/events?stage=ari.spawn`, { headers: auth })).json()) as { events: { detail: { pid: number } }[] };
    pids = events.map((e) => e.detail.pid);
  }
  t.equal(pids.length, 2, 'a daemon per ready node');
  await new Promise((r) => setTimeout(r, 500)); // the daemons have their IPC start message

  t.equal(await server.stop(), 0, 'exit 0: not ended by its own SIGTERM');
  t.match(server.stderr(), /SIGTERM, shutting down/);
  const db = new Database(join(dir, 'data', 'state-events.db'), { readonly: true, fileMustExist: true });
  t.teardown(() => db.close());
  const stopped = db.prepare("SELECT count(*) AS n FROM boot_events WHERE stage = 'ari.stopped'").get() as { n: number };
  t.equal(stopped.n, 2, 'each daemon stopped by the supervisor, and the log flushed');
  for (const pid of pids) t.throws(() => process.kill(pid, 0), `daemon ${pid} is gone`);
});

// radvd as a supervised child of `pbxboot serve` (netboot.routerAdvertisement):
// Node has no raw ICMPv6 sockets, so the router advertisement is radvd's job.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PbxbootError } from '../errors.js';
import type { EventSink } from '../events/event.js';
import { renderRadvdConf } from './radvd-conf.js';

export interface RouterAdvertiser {
  status(): { interface: string; pid: number | null; restarts: number };
  close(): Promise<void>;
}

export interface RadvdOptions {
  interface: string;
  /** where radvd.conf and radvd.pid are written (pbxboot's data dir) */
  dir: string;
  sink: EventSink;
  /** the radvd binary (tests) */
  command?: string;
}

const missing = (cmd: string) =>
  new PbxbootError('E_CONFIG', `netboot.routerAdvertisement is on but ${cmd} was not found: install Debian's radvd package (apt-get install radvd), or set netboot.routerAdvertisement: false`, { value: cmd });

/** Checks the config with `radvd --configtest`, then runs radvd in the foreground; restarts it with backoff if it dies. */
export async function startRadvd(o: RadvdOptions): Promise<RouterAdvertiser> {
  const cmd = o.command ?? 'radvd';
  const conf = join(o.dir, 'radvd.conf');
  const pidFile = join(o.dir, 'radvd.pid');
  mkdirSync(o.dir, { recursive: true });
  writeFileSync(conf, renderRadvdConf({ interface: o.interface }), { mode: 0o644 });
  await new Promise<void>((resolve, reject) => {
    execFile(cmd, ['--configtest', '-C', conf], (err, _out, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return reject(missing(cmd));
      reject(new PbxbootError('E_CONFIG', `radvd refused ${conf}: ${String(stderr).trim().split('\n').pop() ?? err.message}`, { value: conf }));
    });
  });

  let child: ChildProcess | null = null;
  let closing = false;
  let restarts = 0;
  let delay = 1000;
  let timer: NodeJS.Timeout | null = null;
  const run = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      let tail = '';
      const c = spawn(cmd, ['--nodaemon', '-C', conf, '-p', pidFile, '-m', 'stderr'], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      c.stderr!.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-2000)));
      c.once('spawn', () => {
        o.sink.emit({ stage: 'ra.started', detail: { interface: o.interface, pid: c.pid } });
        resolve();
      });
      c.once('error', (err) => reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? missing(cmd) : err));
      c.once('exit', (code, signal) => {
        child = null;
        if (closing) return;
        // A long healthy run resets the backoff; a crash loop backs off to 30 s.
        if (Date.now() - started > 60_000) delay = 1000;
        const last = tail.trim().split('\n').slice(-3).join(' | ');
        o.sink.emit({ stage: 'ra.exited', level: 'error', detail: { code, signal, restartInMs: delay, stderr: last } });
        timer = setTimeout(() => {
          timer = null;
          restarts++;
          run().catch((err: unknown) => o.sink.emit({ stage: 'ra.exited', level: 'error', detail: { error: (err as Error).message } }));
        }, delay);
        timer.unref();
        delay = Math.min(delay * 2, 30_000);
      });
    });
  await run();

  return {
    status: () => ({ interface: o.interface, pid: child?.pid ?? null, restarts }),
    async close() {
      closing = true;
      if (timer) clearTimeout(timer);
      const c = child as ChildProcess | null;
      // No pid: its spawn failed, and Node's kill() would signal pid 0 (our whole process group).
      if (!c || c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
      // SIGTERM: radvd sends its final advertisements and removes the pid file.
      const gone = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const kill = setTimeout(() => c.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(kill);
    },
  };
}

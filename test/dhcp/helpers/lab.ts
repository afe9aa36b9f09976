// A two-host DHCP lab for tests and the bench: namespaces, the server child process, real clients.
import { execa, type ResultPromise } from 'execa';
import { writeFileSync, chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Netns } from '../../helpers/netns.js';
import type { ServeConfig } from './serve.js';

const serveScript = new URL('./serve.ts', import.meta.url).pathname;

export interface ServerProc {
  proc: ResultPromise;
  lines: Record<string, unknown>[];
  /** resolves with the first line matching, or rejects after ms */
  waitFor(pred: (l: Record<string, unknown>) => boolean, ms?: number, what?: string): Promise<Record<string, unknown>>;
  stop(): Promise<Record<string, unknown> | undefined>;
  report(): Promise<Record<string, unknown>>;
}

/** `build: 'dist'` runs the compiled build (npm run build) instead of the sources: the bench measures what ships. */
export async function startServer(ns: Netns, cfg: Partial<ServeConfig>, opts: { build?: 'dist'; env?: Record<string, string> } = {}): Promise<ServerProc> {
  const full = { nodes: [], macs: {}, httpPort: 8080, mode: 'server', ...cfg };
  // DHCP_CPU_PROF=<dir>: the server child writes a V8 CPU profile there when it exits (bench profiling).
  const prof = process.env.DHCP_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.DHCP_CPU_PROF}`] : [];
  const proc = execa('ip', ['netns', 'exec', ns.name, process.execPath, '--expose-gc', ...prof, '--import', 'tsx', serveScript, JSON.stringify(full)], {
    reject: false,
    buffer: false,
    stdin: 'ignore',
    env: { ...(opts.build ? { PBXBOOT_LAB_BUILD: opts.build } : {}), ...opts.env },
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buf = '';
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let l: Record<string, unknown>;
      try {
        l = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(l);
      for (const w of [...waiters]) if (w.pred(l)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(l));
    }
  });
  const waitFor = (pred: (l: Record<string, unknown>) => boolean, ms = 10_000, what = 'server line') =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const hit = lines.find(pred);
      if (hit) return resolve(hit);
      const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}; server stderr: ${stderr.slice(-2000)}`)), ms);
      waiters.push({ pred, resolve: (l) => (clearTimeout(timer), resolve(l)) });
    });
  await waitFor((l) => l.ready === true, 20_000, 'server ready');
  return {
    proc,
    lines,
    waitFor,
    async report() {
      const n = lines.length;
      proc.kill('SIGUSR2');
      return waitFor((l) => 'stats' in l && lines.indexOf(l) >= n, 10_000, 'report');
    },
    async stop() {
      if (proc.exitCode !== null) return undefined;
      proc.kill('SIGTERM');
      const done = waitFor((l) => l.closed === true, 10_000, 'close').catch(() => undefined);
      const r = await done;
      await proc;
      return r;
    },
  };
}

/** A udhcpc script that prints what the client was told as one JSON line on stdout. */
export function clientScriptDir(): { dir: string; udhcpc: string; dhclient: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pbx-dhcp-'));
  const udhcpc = join(dir, 'udhcpc.sh');
  writeFileSync(
    udhcpc,
    '#!/bin/sh\n[ "$1" = bound ] || [ "$1" = renew ] || exit 0\n' +
      'printf \'{"event":"%s","ip":"%s","boot_file":"%s","siaddr":"%s","serverid":"%s","router":"%s","subnet":"%s"}\\n\' "$1" "$ip" "$boot_file" "$siaddr" "$serverid" "$router" "$subnet"\n' +
      'ip addr add "$ip/${mask:-24}" dev "$interface" 2>/dev/null\nexit 0\n',
  );
  const dhclient = join(dir, 'dhclient.sh');
  writeFileSync(
    dhclient,
    '#!/bin/sh\ncase "$reason" in BOUND|REBOOT|RENEW) ' +
      'printf \'{"event":"%s","ip":"%s","boot_file":"%s","siaddr":"%s","serverid":"%s"}\\n\' "$reason" "$new_ip_address" "$new_filename" "$new_next_server" "$new_dhcp_server_identifier" >> "$0.out";;\nesac\nexit 0\n',
  );
  chmodSync(udhcpc, 0o755);
  chmodSync(dhclient, 0o755);
  return { dir, udhcpc, dhclient };
}

/** PXE-style identity for a client: option 93 arch and the vendor class a PXE ROM sends. */
export function pxeIdentity(arch: number): { hex: string; vendorClass: string } {
  const kind = arch >= 15 && arch <= 19 ? 'HTTPClient' : 'PXEClient';
  return { hex: arch.toString(16).padStart(4, '0'), vendorClass: `${kind}:Arch:${String(arch).padStart(5, '0')}:UNDI:003001` };
}

/** Runs busybox udhcpc once (-q) in `ns`; returns the JSON the script printed. */
export async function udhcpc(ns: Netns, script: string, opts: { arch?: number; ifname?: string; extra?: string[]; timeoutS?: number } = {}) {
  const args = ['udhcpc', '-f', '-q', '-n', '-i', opts.ifname ?? 'eth0', '-s', script, '-t', '4', '-T', '1', '-A', '1'];
  if (opts.arch !== undefined) {
    const id = pxeIdentity(opts.arch);
    args.push('-x', `0x5d:${id.hex}`, '-V', id.vendorClass);
  }
  args.push(...(opts.extra ?? []));
  const r = await execa('timeout', [String(opts.timeoutS ?? 15), ...ns.prefix, 'busybox', ...args], { reject: false });
  const line = String(r.stdout).split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`udhcpc got no lease (exit ${r.exitCode}): ${String(r.stderr).slice(-1500)}`);
  return JSON.parse(line) as Record<string, string>;
}

/** Runs ISC dhclient once in `ns` with a config that sends option 93/60 like a PXE ROM. */
export async function dhclient(ns: Netns, dir: string, script: string, opts: { arch?: number; ifname?: string } = {}) {
  const tag = Math.random().toString(36).slice(2, 8);
  const conf = join(dir, `dhclient-${tag}.conf`);
  const out = `${script}.out`; // dhclient scrubs the environment: the script writes next to itself
  let text = 'option pxe-arch code 93 = unsigned integer 16;\nrequest subnet-mask, routers;\n';
  if (opts.arch !== undefined) {
    const id = pxeIdentity(opts.arch);
    text += `send pxe-arch ${opts.arch};\nsend vendor-class-identifier "${id.vendorClass}";\n`;
  }
  writeFileSync(conf, text);
  writeFileSync(out, '');
  // -d keeps dhclient in the foreground (its child is ours to stop); the script appends to "$0.out".
  const proc = execa('timeout', ['20', ...ns.prefix, 'dhclient', '-4', '-d', '-1', '-v', '-cf', conf, '-sf', script, '-lf', join(dir, `${tag}.leases`), '--no-pid', opts.ifname ?? 'eth0'], {
    reject: false,
  });
  let line: string | undefined;
  const until = Date.now() + 20_000;
  while (!line && Date.now() < until && proc.exitCode === null) {
    await new Promise((r) => setTimeout(r, 50));
    line = readFileSync(out, 'utf8').split('\n').find((l) => l.startsWith('{'));
  }
  proc.kill('SIGTERM');
  const r = await proc;
  if (!line) throw new Error(`dhclient got no lease (exit ${r.exitCode}): ${String(r.stderr).slice(-1500)}`);
  return JSON.parse(line) as Record<string, string>;
}

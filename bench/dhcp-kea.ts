// ISC Kea DHCPv4 as a bench peer: our own kea-dhcp4 inside the server namespace with a generated config
// (eth0 of that namespace only, memfile leases in a temp dir, no LFC, single thread, no control socket).
import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Netns } from '../test/helpers/netns.js';

export interface KeaPool {
  subnet: string;
  range: { start: string; end: string };
  leaseSeconds: number;
}

export interface KeaProc {
  proc: ResultPromise;
  leaseFile: string;
  rssKb(): number;
  stop(): Promise<void>;
}

const BIN = '/usr/sbin/kea-dhcp4';

/** Kea's config: relayed traffic only (perfdhcp is a relay), so plain UDP sockets are Kea's documented choice. */
export function keaConfig(dir: string, tag: string, pool: KeaPool, ifname = 'eth0'): { path: string; leaseFile: string } {
  const leaseFile = join(dir, `kea-leases4-${tag}.csv`);
  const cfg = {
    Dhcp4: {
      'interfaces-config': { interfaces: [ifname], 'dhcp-socket-type': 'udp' },
      'lease-database': { type: 'memfile', persist: true, name: leaseFile, 'lfc-interval': 0 },
      'multi-threading': { 'enable-multi-threading': false },
      'valid-lifetime': pool.leaseSeconds,
      'subnet4': [{ id: 1, subnet: pool.subnet, pools: [{ pool: `${pool.range.start} - ${pool.range.end}` }] }],
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: join(dir, `kea-${tag}.log`) }], severity: 'WARN' }],
    },
  };
  const path = join(dir, `kea-dhcp4-${tag}.json`);
  writeFileSync(path, JSON.stringify(cfg, null, 2));
  return { path, leaseFile };
}

/** Starts kea-dhcp4 in `ns` and waits until it listens on UDP 67 there. */
export async function startKea(ns: Netns, dir: string, pool: KeaPool, tag = String(Date.now())): Promise<KeaProc> {
  if (!existsSync(BIN)) throw new Error(`${BIN} missing: install Debian kea-dhcp4-server (scripts/test-deps.sh); the packaged service is never started`);
  const { path, leaseFile } = keaConfig(dir, tag, pool);
  const check = await execa(BIN, ['-t', path], { reject: false, all: true });
  if (check.exitCode !== 0) throw new Error(`kea-dhcp4 -t rejected the bench config: ${String(check.all).slice(-800)}`);
  // Pid and lock files in our temp dir, not /run/kea (the packaged service's).
  const env = { KEA_PIDFILE_DIR: dir, KEA_LOCKFILE_DIR: dir };
  // `ip netns exec` execs the command, so proc.pid is kea-dhcp4's own pid.
  const proc = execa('ip', ['netns', 'exec', ns.name, BIN, '-c', path], { reject: false, all: true, env });
  const until = Date.now() + 15_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`kea-dhcp4 exited at start: ${String((await proc).all).slice(-800)}`);
    const ss = await execa('ip', ['netns', 'exec', ns.name, 'ss', '-Hlun', 'sport = :67'], { reject: false });
    if (String(ss.stdout).trim()) break;
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error('kea-dhcp4 did not listen on UDP 67 within 15 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    proc,
    leaseFile,
    rssKb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? NaN),
    async stop() {
      if (proc.exitCode !== null) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await proc;
      clearTimeout(t);
    },
  };
}

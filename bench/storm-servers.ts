// The three boot servers of the storm bench, each started inside the server
// namespace with its own config in a temp dir: pbxboot (`pbxboot serve`, DHCP
// server mode), dnsmasq (DHCP + TFTP) + the static HTTP peer, and Kea DHCPv4 +
// atftpd + the static HTTP peer. Packaged services are never started.
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Netns } from '../test/helpers/netns.js';
import { atftpdPath } from './peer-bins.js';
import { buildDist } from './build-dist.js';

export interface StormLayout {
  srv: Netns;
  serverIp: string; // 10.91.0.1
  subnet: string; // 10.91.0.0/16
  pool: { start: string; end: string };
  httpPort: number;
  dir: string; // temp dir with tftp/, http/, images/
}

export interface RunningServer {
  /** pbxboot's API, for enrolment */
  enroll?: { url: string; token: string };
  /** stops every process; returns counters worth reporting (static HTTP's POST count, …) */
  stop(): Promise<Record<string, unknown>>;
  /** pids whose CPU time the bench reports */
  pids(): number[];
}

export type StartStorm = (l: StormLayout) => Promise<RunningServer>;

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = new URL('../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

function inNs(l: StormLayout, cmd: string, args: string[], env?: Record<string, string>): ResultPromise {
  // `ip netns exec` execs the command: the child's pid is the server's own.
  return execa('ip', ['netns', 'exec', l.srv.name, cmd, ...args], { reject: false, buffer: false, stdin: 'ignore', all: true, ...(env ? { env } : {}) });
}

async function stopProc(p: ResultPromise, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null) return;
  p.kill(signal);
  const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
  await p.catch(() => undefined);
  clearTimeout(t);
}

/** Resolves once `pred` holds for the process's output so far; rejects on exit or after ms. */
function waitOutput(p: ResultPromise, what: string, pred: (all: string) => boolean, ms = 30_000): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in ${ms} ms: ${out.slice(-1500)}`)), ms);
    p.all?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.length > 1 << 20) out = out.slice(-65536);
      if (pred(out)) (clearTimeout(timer), resolve(out));
    });
    void p.then((r) => (clearTimeout(timer), reject(new Error(`${what} exited (${r.exitCode}): ${out.slice(-1500)}`))));
  });
}

async function waitUdp(l: StormLayout, port: number, what: string, p: ResultPromise): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    if (p.exitCode !== null) throw new Error(`${what} exited at start (${p.exitCode})`);
    const ss = await execa('ip', ['netns', 'exec', l.srv.name, 'ss', '-Hlun', `sport = :${port}`], { reject: false });
    if (String(ss.stdout).trim()) return;
    if (Date.now() > until) throw new Error(`${what} did not listen on UDP ${port} within 15 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function requireBin(path: string, pkg: string): void {
  if (!existsSync(path)) throw new Error(`${path} missing: install the Debian package ${pkg} (scripts/test-deps.sh)`);
}

/** The static peer: bench/storm-static-http.ts over dir/http. */
async function startStaticHttp(l: StormLayout): Promise<{ stop(): Promise<Record<string, unknown>>; pid: number }> {
  const p = inNs(l, process.execPath, ['--import', tsx, join(root, 'bench/storm-static-http.ts'), join(l.dir, 'http'), l.serverIp, String(l.httpPort)]);
  const lines: string[] = [];
  p.stdout?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  await waitOutput(p, 'static HTTP server', (o) => o.includes('"listening"'));
  return {
    pid: p.pid!,
    async stop() {
      await stopProc(p);
      const last = lines.filter((x) => x.includes('posts')).pop();
      return last ? (JSON.parse(last) as Record<string, unknown>) : {};
    },
  };
}

const scriptUrl = (l: StormLayout) => `http://${l.serverIp}:${l.httpPort}/boot.ipxe`;

/** pbxboot as shipped. */
export const startPbxboot: StartStorm = (l) => startPbxbootWith(l, []);

/** Diagnostic: pbxboot whose ARI daemon spawns start `sleep` (bench/storm-no-ari-daemons.ts). */
export const startPbxbootNoAriDaemons: StartStorm = (l) => startPbxbootWith(l, ['--import', join(root, 'bench/storm-no-ari-daemons.ts')]);

// pbxboot runs as `npm start` runs it: compiled to dist/ (its ARI daemons then start from dist too, ≈ half the
// CPU and memory of a tsx start). Built once per bench run; STORM_FROM_SOURCE=1 runs src/ through tsx instead.
async function startPbxbootWith(l: StormLayout, preload: string[]): Promise<RunningServer> {
  const fromSource = process.env.STORM_FROM_SOURCE === '1';
  if (!fromSource) await buildDist();
  const dataDir = mkdtempSync(join(l.dir, 'pbxboot-data-'));
  const yaml = join(dataDir, 'pbxboot.yaml');
  writeFileSync(
    yaml,
    [
      `dataDir: ${dataDir}`,
      'interface: eth0',
      'enroll: manual',
      'logLevel: warn',
      `images: { dir: ${join(l.dir, 'images')} }`,
      `tftp: { root: ${join(l.dir, 'tftp')}, maxTransfers: 256 }`, // the peers' cap too (dnsmasq tftp-max, atftpd --maxthread)
      `http: { host: 0.0.0.0, port: ${l.httpPort} }`,
      'dhcp:',
      '  mode: server',
      `  pools: [{ subnet: ${l.subnet}, start: ${l.pool.start}, end: ${l.pool.end}, router: ${l.serverIp} }]`,
      'profiles:',
      '  default: { kernel: storm/vmlinuz, initrd: [storm/initrd.img], cmdline: "console=ttyS0 quiet" }',
      '',
    ].join('\n'),
  );
  // STORM_PBXBOOT_NODE_ARGS (development): e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const extra = process.env.STORM_PBXBOOT_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const entry = fromSource ? join(root, 'src/cli/run.ts') : join(root, 'dist/cli/run.js');
  const loader = fromSource || preload.length > 0 ? ['--import', tsx, ...preload] : [];
  const p = execa('ip', ['netns', 'exec', l.srv.name, process.execPath, ...extra, ...loader, entry, 'serve', '-c', yaml], {
    cwd: l.dir,
    reject: false,
    buffer: false,
    stdin: 'ignore',
    all: true,
    env: { NO_COLOR: '1' },
  });
  await waitOutput(p, 'pbxboot serve', (o) => /serving http:\/\/\S+/.test(o), 60_000);
  const url = `http://${l.serverIp}:${l.httpPort}`;
  const token = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
  return { enroll: { url, token }, pids: () => [p.pid!], stop: async () => (await stopProc(p), {}) };
}

export const startDnsmasqStatic: StartStorm = async (l) => {
  requireBin('/usr/sbin/dnsmasq', 'dnsmasq-base');
  const conf = join(l.dir, 'dnsmasq.conf');
  writeFileSync(
    conf,
    [
      'port=0', // no DNS
      'interface=eth0',
      'bind-interfaces',
      `dhcp-range=${l.pool.start},${l.pool.end},255.255.0.0,1h`,
      `dhcp-leasefile=${join(l.dir, 'dnsmasq.leases')}`,
      'dhcp-lease-max=10000',
      'dhcp-userclass=set:ipxe,iPXE',
      'dhcp-match=set:efi64,option:client-arch,7',
      `dhcp-boot=tag:ipxe,${scriptUrl(l)}`,
      'dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi',
      'enable-tftp',
      `tftp-root=${join(l.dir, 'tftp')}`,
      'tftp-max=256', // default 50: the storm needs 200 at once
      '',
    ].join('\n'),
  );
  writeFileSync(join(l.dir, 'dnsmasq.leases'), '');
  const http = await startStaticHttp(l);
  const p = inNs(l, '/usr/sbin/dnsmasq', ['--keep-in-foreground', '--no-daemon', `--conf-file=${conf}`, `--pid-file=${join(l.dir, 'dnsmasq.pid')}`, '--log-facility=-', '--quiet-dhcp', '--quiet-tftp']);
  p.all?.resume();
  try {
    await waitUdp(l, 69, 'dnsmasq', p);
  } catch (e) {
    await http.stop();
    throw e;
  }
  return {
    pids: () => [p.pid!, http.pid],
    async stop() {
      await stopProc(p);
      return { http: await http.stop() };
    },
  };
};

export const startKeaAtftpdStatic: StartStorm = async (l) => {
  requireBin('/usr/sbin/kea-dhcp4', 'kea-dhcp4-server');
  const atftpdBin = await atftpdPath(); // unpacked beside the project: its package Conflicts with tftpd-hpa
  const leaseFile = join(l.dir, 'kea-leases4.csv');
  const cfg = {
    Dhcp4: {
      'interfaces-config': { interfaces: ['eth0'], 'dhcp-socket-type': 'udp' }, // relayed traffic only
      'lease-database': { type: 'memfile', persist: true, name: leaseFile, 'lfc-interval': 0 },
      'multi-threading': { 'enable-multi-threading': false },
      'valid-lifetime': 3600,
      // Kea's documented iPXE chainload classes (option 77 "iPXE" breaks the loop).
      'client-classes': [
        { name: 'ipxe', test: "option[77].hex == 'iPXE'", 'boot-file-name': scriptUrl(l) },
        { name: 'efi64', test: "option[93].hex == 0x0007 and not (option[77].hex == 'iPXE')", 'next-server': l.serverIp, 'boot-file-name': 'ipxe.efi' },
      ],
      subnet4: [{ id: 1, subnet: l.subnet, pools: [{ pool: `${l.pool.start} - ${l.pool.end}` }], 'option-data': [{ name: 'routers', data: l.serverIp }] }],
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: join(l.dir, 'kea.log') }], severity: 'WARN' }],
    },
  };
  const path = join(l.dir, 'kea-dhcp4.json');
  writeFileSync(path, JSON.stringify(cfg, null, 2));
  const check = await execa('/usr/sbin/kea-dhcp4', ['-t', path], { reject: false, all: true });
  if (check.exitCode !== 0) throw new Error(`kea-dhcp4 -t rejected the storm config: ${String(check.all).slice(-800)}`);
  const http = await startStaticHttp(l);
  // Pid and lock files in our temp dir, not /run/kea (the packaged service's).
  const kea = inNs(l, '/usr/sbin/kea-dhcp4', ['-c', path], { KEA_PIDFILE_DIR: l.dir, KEA_LOCKFILE_DIR: l.dir });
  kea.all?.resume();
  // atftpd standalone in the foreground; --maxthread above the storm (default 100); root: the temp dir is 0700.
  const atftpd = inNs(l, atftpdBin, ['--daemon', '--no-fork', '--port', '69', '--bind-address', l.serverIp, '--maxthread', '256', '--user', 'root', '--group', 'root',
    '--logfile', join(l.dir, 'atftpd.log'), '--pidfile', join(l.dir, 'atftpd.pid'), join(l.dir, 'tftp')]);
  atftpd.all?.resume();
  try {
    await waitUdp(l, 67, 'kea-dhcp4', kea);
    await waitUdp(l, 69, 'atftpd', atftpd);
  } catch (e) {
    await Promise.all([stopProc(kea), stopProc(atftpd), http.stop()]);
    throw e;
  }
  return {
    pids: () => [kea.pid!, atftpd.pid!, http.pid],
    async stop() {
      await Promise.all([stopProc(kea), stopProc(atftpd)]);
      return { http: await http.stop() };
    },
  };
};

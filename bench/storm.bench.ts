// Boot storm (issues 5 and 9): N simulated UEFI nodes (200; --quick 50) power on at once and each walks
// the whole netboot chain — DHCP DORA as firmware, TFTP of ipxe.efi (tsize probe aborted by error 8, then
// blksize 1468 + windowsize 4, as OVMF does), DHCP DORA as iPXE, HTTP iPXE script, kernel (1 MiB) + initrd
// (30 MiB), bundle, POST ready — against three servers taking turns in ONE run, same namespaces, same
// simulator, same files: pbxboot (`pbxboot serve`, DHCP server mode, nodes enrolled through the API so each
// gets its own script, one-time boot token, rendered bundle and a real `ready`); dnsmasq (DHCP + TFTP) +
// static HTTP; Kea DHCPv4 (memfile) + atftpd + static HTTP.
//
// Design choices:
// - perfdhcp cannot carry a node on to TFTP/HTTP with its lease, so the simulator (bench/storm-sim.ts, one
//   Node process in the client namespace) is a DHCP relay (RFC 1542: giaddr, unicast to server:67, replies
//   to giaddr:67) for N MACs using src/dhcp/codec.ts. The whole pool range is pre-added to the client's
//   interface (ICMP echo ignored there, so dnsmasq's ping check sees free addresses, as with powered-on
//   nodes that have no IP yet); each node's TFTP and HTTP sockets are bound to its leased IP, which
//   pbxboot's boot-token check (token bound to the script fetcher's IP) requires.
// - TFTP client: bench/storm-tftp.ts (dgram + the project's TFTP packet codec, retransmission with backoff);
//   no packaged client can bind a local address.
// - Static HTTP peer: bench/storm-static-http.ts (node:http + fs.createReadStream; every POST → 200, counted).
//   Its script is rendered once from templates/ipxe/node.ipxe.hbs (same URLs as pbxboot's), its bundle is a
//   static file made with src/boot/bundle-tar.ts.
// - Each server is configured for the storm as an operator would: dnsmasq tftp-max=256 (default 50),
//   atftpd --maxthread 256 (default 100); pbxboot keeps its defaults (64 TFTP transfers + a FIFO queue).
// Every node's bytes are checked: ipxe.efi size + sha256, kernel and initrd sizes, initrd sha256 for every
// 10th node, bundle members against its SHA256SUMS.
import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench, BenchRow } from './types.js';
import { encodeBundle } from '../src/boot/bundle-tar.js';
import { compileIpxe, nodeScript } from '../src/boot/ipxe-script.js';
import { intToIp, ipToInt } from '../src/dhcp/pool.js';
import { killNsProcesses } from '../test/helpers/boot-lan.js';
import { repoRoot } from '../test/helpers/boot-run.js';
import { createNetns, destroyAllNetns, linkVeth, requireNetns, type Netns } from '../test/helpers/netns.js';
import { STAGES, type SimConfig, type SimResult, type Stage } from './storm-sim.js';
import { startDnsmasqStatic, startKeaAtftpdStatic, startPbxboot, type StartStorm, type StormLayout } from './storm-servers.js';

const servers: [string, StartStorm][] = [
  ['pbxboot', startPbxboot],
  ['dnsmasq+http', startDnsmasqStatic],
  ['kea+atftpd+http', startKeaAtftpdStatic],
];

const stageLabel: Record<Stage, string> = {
  dhcp: 'DHCP DORA (firmware)',
  tftp: 'TFTP ipxe.efi (probe + read)',
  ipxeDhcp: 'DHCP DORA (iPXE)',
  script: 'HTTP iPXE script',
  images: 'HTTP kernel + 30 MiB initrd',
  bundle: 'HTTP bundle',
  ready: 'POST ready',
};

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function pct(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** The files every server serves: one copy on disk, hard-linked into each server's layout. */
function makeFiles(dir: string, initrdBytes: number): SimConfig['expect'] {
  for (const d of ['tftp', 'images/storm', 'http/boot/files/storm', 'http/v1/boot/static']) mkdirSync(join(dir, d), { recursive: true });
  const realIpxe = join(repoRoot, 'images/ipxe/ipxe.efi');
  if (existsSync(realIpxe)) copyFileSync(realIpxe, join(dir, 'tftp/ipxe.efi'));
  else writeFileSync(join(dir, 'tftp/ipxe.efi'), randomBytes(1 << 20));
  writeFileSync(join(dir, 'images/storm/vmlinuz'), randomBytes(1 << 20));
  writeFileSync(join(dir, 'images/storm/initrd.img'), randomBytes(initrdBytes));
  for (const f of ['vmlinuz', 'initrd.img']) linkSync(join(dir, 'images/storm', f), join(dir, 'http/boot/files/storm', f));
  const ipxe = readFileSync(join(dir, 'tftp/ipxe.efi'));
  return { ipxeBytes: ipxe.length, ipxeSha: sha(ipxe), kernelBytes: 1 << 20, initrdBytes, initrdSha: sha(readFileSync(join(dir, 'images/storm/initrd.img'))) };
}

/** The static peers' script and bundle: the same template and codec pbxboot uses, rendered once. */
function makeStaticBoot(dir: string, serverUrl: string): void {
  const t = (n: string) => readFileSync(join(repoRoot, 'templates/ipxe', `${n}.ipxe.hbs`), 'utf8');
  const profile = { kernel: 'storm/vmlinuz', initrd: ['storm/initrd.img'], cmdline: 'console=ttyS0 quiet', bundle: true };
  writeFileSync(join(dir, 'http/boot.ipxe'), nodeScript(compileIpxe({ node: t('node'), unknown: t('unknown') }), { node: 'static', mac: 'any', serverUrl, token: 'static', profile }));
  const files = [{ name: 'pjsip.conf', content: '; static bundle of the storm bench\n[global]\ntype=global\n' }];
  writeFileSync(join(dir, 'http/v1/boot/static/bundle'), encodeBundle(files, { node: 'static', token: 'static-node', interval: '30' }).body);
}

function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (proc(5) fields 14, 15)
    } catch {
      // exited
    }
  }
  return ticks / 100;
}

async function simulate(cli: Netns, cfg: SimConfig): Promise<SimResult> {
  const r = await execa('ip', ['netns', 'exec', cli.name, process.execPath, '--max-old-space-size=2048', '--import', 'tsx', join(repoRoot, 'bench/storm-sim.ts'), JSON.stringify(cfg)], {
    reject: false,
    cwd: repoRoot,
    timeout: cfg.timeoutMs + 120_000,
    maxBuffer: 64 << 20,
  });
  if (r.exitCode !== 0) throw new Error(`storm simulator failed (${r.exitCode}): ${String(r.stderr).slice(-2000)}`);
  return JSON.parse(String(r.stdout).trim().split('\n').pop()!) as SimResult;
}

const bench: Bench = async (ctx) => {
  await requireNetns();
  const n = ctx.quick ? 50 : 200;
  const initrdBytes = 30 << 20;
  const dir = mkdtempSync(join(tmpdir(), 'pbx-storm-'));
  chmodSync(dir, 0o755);
  const serverIp = '10.91.0.1';
  const giaddr = '10.91.0.2';
  const pool = { start: '10.91.1.1', end: intToIp(ipToInt('10.91.1.1') + n + 49) };
  const results = new Map<string, { sim: SimResult; cpu: number; counters: Record<string, unknown> }>();
  const t0 = Date.now();
  try {
    const srv = await createNetns('st-srv');
    const cli = await createNetns('st-cli');
    await linkVeth(srv, `${serverIp}/16`, cli, `${giaddr}/16`);
    // Nodes without an address do not answer pings: keep dnsmasq's ping check honest.
    await cli.exec('sysctl', ['-qw', 'net.ipv4.icmp_echo_ignore_all=1']);
    const adds = [];
    for (let a = ipToInt(pool.start); a <= ipToInt(pool.end); a++) adds.push(`addr add ${intToIp(a)}/16 dev eth0`);
    await execa('ip', ['-n', cli.name, '-batch', '-'], { input: adds.join('\n') + '\n' });
    const expect = makeFiles(dir, initrdBytes);
    makeStaticBoot(dir, `http://${serverIp}:8080`);
    const layout: StormLayout = { srv, serverIp, subnet: '10.91.0.0/16', pool, httpPort: 8080, dir };
    const nodes = Array.from({ length: n }, (_, i) => ({ name: `storm${String(i + 1).padStart(3, '0')}`, mac: `02:53:54:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}` }));
    for (const [name, start] of servers) {
      ctx.log(`${name}: starting`);
      const s = await start(layout);
      try {
        const cpu0 = cpuSeconds(s.pids());
        const sim = await simulate(cli, { server: serverIp, giaddr, nodes, ...(s.enroll ? { enroll: s.enroll } : {}), expect, hashEvery: 10, tftp: { windowsize: 4, blksize: 1468 }, timeoutMs: ctx.quick ? 120_000 : 300_000 });
        const cpu = cpuSeconds(s.pids()) - cpu0;
        const counters = await s.stop();
        results.set(name, { sim, cpu, counters });
        const ok = sim.nodes.filter((x) => x.ok);
        ctx.log(`${name}: ${ok.length}/${n} ready, all-ready ${(Math.max(0, ...ok.map((x) => x.doneAt ?? 0)) / 1000).toFixed(2)} s, storm wall ${(sim.wallMs / 1000).toFixed(2)} s, server CPU ${cpu.toFixed(1)} s${s.enroll ? `, enrolment ${sim.enrollMs.toFixed(0)} ms (untimed)` : ''}, ${JSON.stringify(counters)}`);
        const errors = new Map<string, number>();
        for (const x of sim.nodes) if (!x.ok) errors.set(x.error ?? '?', (errors.get(x.error ?? '?') ?? 0) + 1);
        for (const [e, c] of errors) ctx.log(`${name}:   ${c} × ${e}`);
        const rtx = sim.nodes.reduce((a, x) => a + (x.tftpRetransmits ?? 0), 0);
        if (rtx) ctx.log(`${name}:   TFTP client retransmissions: ${rtx}`);
      } finally {
        await s.stop();
        await killNsProcesses(srv.name);
      }
    }
  } finally {
    await destroyAllNetns();
    rmSync(dir, { recursive: true, force: true });
  }
  ctx.log(`storm bench wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const fig = (name: string, f: (r: { sim: SimResult; cpu: number }) => number | null): number | null => {
    const r = results.get(name);
    return r ? f(r) : null;
  };
  const row = (metric: string, unit: string, f: (r: { sim: SimResult; cpu: number }) => number | null, extra: Partial<BenchRow> = {}): BenchRow => ({
    group: 'storm',
    metric,
    unit,
    pbxboot: fig('pbxboot', f),
    peers: Object.fromEntries(servers.filter(([k]) => k !== 'pbxboot').map(([k]) => [k, fig(k, f)])),
    ...extra,
  });
  const ok = (r: { sim: SimResult }) => r.sim.nodes.filter((x) => x.ok);
  const allReady = (r: { sim: SimResult }) => (ok(r).length === n ? Math.max(...ok(r).map((x) => x.doneAt!)) / 1000 : null);
  const note = `${n} nodes at once; shared 2-core machine`;
  const rows: BenchRow[] = [
    row(`${n} nodes: time to all ready`, 's', allReady, { note: `${note}; null = a node never got ready` }),
    row(`${n} nodes: nodes ready`, 'nodes', (r) => ok(r).length, { higherIsBetter: true, note: 'bytes checked: ipxe.efi sha256, sizes, initrd sha256 every 10th node, bundle SHA256SUMS' }),
    row(`${n} nodes: storm wall time`, 's', (r) => r.sim.wallMs / 1000, { note: 'until the last node finished or failed' }),
    row(`${n} nodes: server CPU time`, 's', (r) => r.cpu, { note: 'utime+stime of the server processes (static HTTP included for peers)' }),
    row('per node: power-on → ready p50', 'ms', (r) => pct(ok(r).map((x) => x.doneAt!), 50)),
    row('per node: power-on → ready p95', 'ms', (r) => pct(ok(r).map((x) => x.doneAt!), 95)),
  ];
  for (const s of STAGES) {
    for (const p of [50, 95]) rows.push(row(`stage ${stageLabel[s]} p${p}`, 'ms', (r) => pct(ok(r).map((x) => x.stages[s]!), p)));
  }
  return rows;
};
export default bench;

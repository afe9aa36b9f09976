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
// - Each server is configured for the storm as an operator would, with the same TFTP concurrency cap:
//   dnsmasq tftp-max=256 (default 50), atftpd --maxthread 256 (default 100), pbxboot tftp.maxTransfers 256
//   (default 64, beyond which requests wait in a FIFO queue).
// - pbxboot runs compiled (dist/, as `npm start` runs it; built once per run; STORM_FROM_SOURCE=1 for tsx).
// - pbxboot starts one ARI daemon process per ready node (DESIGN §5), at most ari.maxConcurrentStarts at a time. The `pbxboot` column is pbxboot as
//   shipped; `pbxboot-no-ari-daemons` is a diagnostic run whose daemon spawns start `sleep` instead
//   (bench/storm-no-ari-daemons.ts), to separate the netboot path from the daemons' cost. The simulated
//   nodes run no Asterisk, so no daemon ever connects: each lives until pbxboot's grace period fails its
//   node. A memory guard aborts a run whose server namespace passes 8 GiB (shared machine).
// - Each node gives up like real clients do: DHCP after 4+8+16+32 s per step, TFTP after 6 retransmissions
//   (1 s doubling), HTTP after the iPXE script's / agent's retries; the storm ends after 300 s (--quick 120).
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
import { startDnsmasqStatic, startKeaAtftpdStatic, startPbxboot, startPbxbootNoAriDaemons, type StartStorm, type StormLayout } from './storm-servers.js';

const allServers: [string, StartStorm][] = [
  ['pbxboot', startPbxboot],
  ['pbxboot-no-ari-daemons', startPbxbootNoAriDaemons],
  ['dnsmasq+http', startDnsmasqStatic],
  ['kea+atftpd+http', startKeaAtftpdStatic],
];
// Development only (the table wants all three): STORM_SERVERS=pbxboot, STORM_NODES=20.
const only = process.env.STORM_SERVERS?.split(',');
const servers = allServers.filter(([k]) => !only || only.includes(k));

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

/** CPU seconds of every process in the namespace, with the children they reaped (pbxboot's ARI daemons too). */
async function cpuSeconds(ns: Netns): Promise<number> {
  const pids = String((await execa('ip', ['netns', 'pids', ns.name], { reject: false })).stdout).split(/\s+/).filter(Boolean);
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]); // utime, stime, cutime, cstime (proc(5) fields 14-17)
    } catch {
      // exited
    }
  }
  return ticks / 100;
}

/** RSS (MiB) and count of every process in the server namespace (pbxboot's ARI daemons included). */
async function nsMemory(ns: Netns): Promise<{ rssMiB: number; procs: number }> {
  const pids = String((await execa('ip', ['netns', 'pids', ns.name], { reject: false })).stdout).split(/\s+/).filter(Boolean);
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return { rssMiB: kb / 1024, procs: pids.length };
}

/**
 * The shared machine's safety net: pbxboot starts one ARI daemon process per ready node (DESIGN §5), ≈ 95 MiB
 * each when run from source, so a 200-node storm could take ≈ 19 GiB. Past the budget (server namespace RSS,
 * default 8 GiB, STORM_MEM_BUDGET_GIB) or under 6 GiB available on the machine, every process in the server
 * namespace is killed and the run is reported as aborted.
 */
function memoryGuard(ns: Netns, log: (l: string) => void): { stop(): string | null; peakMiB(): number } {
  const budgetMiB = (Number(process.env.STORM_MEM_BUDGET_GIB) || 8) * 1024;
  let aborted: string | null = null;
  let peak = 0;
  let busy = false;
  const timer = setInterval(() => {
    if (busy || aborted) return;
    busy = true;
    void nsMemory(ns)
      .then(async (m) => {
        peak = Math.max(peak, m.rssMiB);
        const availMiB = Number(/MemAvailable:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? Infinity) / 1024;
        if (m.rssMiB > budgetMiB || availMiB < 6 * 1024) {
          aborted = `memory guard: server namespace ${m.rssMiB.toFixed(0)} MiB in ${m.procs} processes, ${availMiB.toFixed(0)} MiB available on the machine`;
          log(`ABORT ${aborted}`);
          await killNsProcesses(ns.name);
        }
      })
      .finally(() => (busy = false));
  }, 1000);
  return { stop: () => (clearInterval(timer), aborted), peakMiB: () => peak };
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
  const n = Number(process.env.STORM_NODES) || (ctx.quick ? 50 : 200);
  const initrdBytes = 30 << 20;
  const dir = mkdtempSync(join(tmpdir(), 'pbx-storm-'));
  chmodSync(dir, 0o755);
  const serverIp = '10.91.0.1';
  const giaddr = '10.91.0.2';
  const pool = { start: '10.91.1.1', end: intToIp(ipToInt('10.91.1.1') + n + 49) };
  const results = new Map<string, { sim: SimResult; cpu: number; counters: Record<string, unknown>; mem: { rssMiB: number; procs: number; peakMiB: number }; aborted: string | null }>();
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
        const cpu0 = await cpuSeconds(srv);
        const guard = memoryGuard(srv, (l) => ctx.log(`${name}: ${l}`));
        const sim = await simulate(cli, { server: serverIp, giaddr, nodes, ...(s.enroll ? { enroll: s.enroll } : {}), expect, hashEvery: 10, tftp: { windowsize: 4, blksize: 1468 }, timeoutMs: ctx.quick ? 120_000 : 300_000 });
        const cpu = (await cpuSeconds(srv)) - cpu0;
        const mem = { ...(await nsMemory(srv)), peakMiB: guard.peakMiB() };
        const aborted = guard.stop();
        const counters = await s.stop();
        results.set(name, { sim, cpu, counters, mem, aborted });
        const ok = sim.nodes.filter((x) => x.ok);
        ctx.log(`${name}: ${ok.length}/${n} ready, all-ready ${(Math.max(0, ...ok.map((x) => x.doneAt ?? 0)) / 1000).toFixed(2)} s, storm wall ${(sim.wallMs / 1000).toFixed(2)} s, server CPU ${cpu.toFixed(1)} s, ${mem.procs} processes ${mem.rssMiB.toFixed(0)} MiB RSS${s.enroll ? `, enrolment ${sim.enrollMs.toFixed(0)} ms (untimed)` : ''}, ${JSON.stringify(counters)}`);
        const errors = new Map<string, number[]>();
        for (const x of sim.nodes) if (!x.ok) errors.set(x.error ?? '?', [...(errors.get(x.error ?? '?') ?? []), (x.failedAfter ?? 0) / 1000]);
        for (const [e, ts] of errors) ctx.log(`${name}:   ${ts.length} × ${e} (at ${Math.min(...ts).toFixed(1)}–${Math.max(...ts).toFixed(1)} s)`);
        const retried = new Map<string, number>();
        for (const x of sim.nodes) for (const e of x.retries ?? []) retried.set(e, (retried.get(e) ?? 0) + 1);
        for (const [e, c] of retried) ctx.log(`${name}:   retried ${c} × ${e}`);
        const rtx = sim.nodes.reduce((a, x) => a + (x.tftpRetransmits ?? 0), 0);
        if (rtx) ctx.log(`${name}:   TFTP client retransmissions: ${rtx}`);
      } catch (e) {
        // One server's failure must not cost the others' figures: its column stays empty.
        ctx.log(`${name}: FAILED ${(e as Error).message.slice(0, 1500)}`);
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

  type R = { sim: SimResult; cpu: number; mem: { rssMiB: number; procs: number; peakMiB: number } };
  const fig = (name: string, f: (r: R) => number | null): number | null => {
    const r = results.get(name);
    return r ? f(r) : null;
  };
  const row = (metric: string, unit: string, f: (r: R) => number | null, extra: Partial<BenchRow> = {}): BenchRow => ({
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
    row(`${n} nodes: nodes ready`, 'nodes', (r) => ok(r).length, { higherIsBetter: true, note: (results.get('pbxboot')?.aborted ? `pbxboot ${results.get('pbxboot')!.aborted}; ` : '') + 'bytes checked: ipxe.efi sha256, sizes, initrd sha256 every 10th node, bundle SHA256SUMS' }),
    row(`${n} nodes: storm wall time`, 's', (r) => r.sim.wallMs / 1000, { note: 'until the last node finished or failed' }),
    row(`${n} nodes: server CPU time`, 's', (r) => r.cpu, { note: 'every process in the server namespace (static HTTP for peers, ARI daemons for pbxboot)' }),
    row('server RSS, peak during the storm', 'MiB', (r) => Math.max(r.mem.peakMiB, r.mem.rssMiB), { note: 'every process in the server namespace (pbxboot: with its ARI daemons, one per ready node)' }),
    row('per node: power-on → ready p50', 'ms', (r) => pct(ok(r).map((x) => x.doneAt!), 50)),
    row('per node: power-on → ready p95', 'ms', (r) => pct(ok(r).map((x) => x.doneAt!), 95)),
  ];
  // Over every node that got through the stage (not only the nodes that got ready: no survivor bias).
  const through = (r: R, s: Stage) => r.sim.nodes.flatMap((x) => (x.stages[s] === undefined ? [] : [x.stages[s]]));
  for (const s of STAGES) {
    for (const p of [50, 95]) rows.push(row(`stage ${stageLabel[s]} p${p}`, 'ms', (r) => pct(through(r, s), p), p === 50 ? { note: 'nodes through it: ' + servers.map(([k]) => `${k} ${fig(k, (r) => through(r, s).length) ?? '-'}`).join(', ') } : {}));
  }
  return rows;
};
export default bench;

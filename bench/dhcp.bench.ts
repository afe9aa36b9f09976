// DHCP: ISC perfdhcp (a simulated relay, giaddr set) against pbxboot, ISC Kea and dnsmasq in the same run, all
// persisting leases: DORA/s at < 1 % drops with 10,000 clients, a 10,000-client avalanche, offer latency, uniqueness,
// memory. DHCP_BENCH_PEERS=pbxboot,kea limits the servers (development only; the table wants all of them);
// DHCP_BENCH_RCVBUF=<bytes> sets pbxboot's dhcp.receiveBufferBytes (how the 1 MiB default was chosen).
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Bench, BenchRow } from './types.js';
import { LeaseTable } from '../src/dhcp/lease-table.js';
import { parsePool, intToIp } from '../src/dhcp/pool.js';
import { createNetns, destroyAllNetns, linkVeth, type Netns } from '../test/helpers/netns.js';
import { startServer } from '../test/dhcp/helpers/lab.js';
import { startKea } from './dhcp-kea.js';
import { keaRssKb, pbxbootRssKb } from './dhcp-memory.js';
import { bootEventBytes, type BootEventBytes } from './dhcp-boot-events.js';
import { buildDist } from './build-dist.js';

interface Run {
  rate: number; // achieved DORA/s
  drops: number; // % of DISCOVER + REQUEST unanswered
  offerMs: number; // perfdhcp's DISCOVER→OFFER average
  nonUnique: number;
  ok: boolean;
}

// perfdhcp stops at the end of its period (-p) and counts every reply still on its way as dropped, and its Rate
// counts only exchanges complete by then: a server that ACKs after a group commit (1-3 ms here) lost ≈ 0.03 % at any
// rate, every one of them answered (checked: 0.00 % with -W). Rate runs wait EXIT_WAIT_US for those replies, and
// DORA/s is ACKs received over the period, the same for every server.
const EXIT_WAIT_US = 200_000;

function parse(out: string, periodS?: number): Run & { seconds?: number; clients?: number } {
  const num = (re: RegExp, from = out) => Number(re.exec(from)?.[1] ?? NaN);
  const [doPart = '', raPart = ''] = out.split('***Statistics for: REQUEST-ACK***');
  const sent = num(/sent packets: (\d+)/, doPart) + num(/sent packets: (\d+)/, raPart);
  const drops = num(/drops: (\d+)/, doPart) + num(/drops: (\d+)/, raPart);
  const rate = periodS ? acksOf(out) / periodS : num(/Rate: ([\d.]+)/);
  const r: Run & { seconds?: number } = {
    rate,
    drops: sent > 0 ? (100 * drops) / sent : 100,
    offerMs: num(/avg delay: ([\d.]+) ms/, doPart),
    // DISCOVER-OFFER 'non unique' counts repeat offers to a retransmitting client; ACKs are what matter.
    nonUnique: num(/non unique addresses: (\d+)/, raPart),
    ok: true,
  };
  const took = /It took (\d+):(\d+):([\d.]+) to provision/.exec(out);
  if (!periodS && took) r.seconds = Number(took[1]) * 3600 + Number(took[2]) * 60 + Number(took[3]);
  return r;
}

async function perfdhcp(cli: Netns, args: string[], timeoutS: number): Promise<string> {
  const r = await execa('timeout', [String(timeoutS), ...cli.prefix, 'perfdhcp', '-4', '-l', '10.90.0.2', ...args, '10.90.0.1'], { reject: false, all: true });
  if (r.exitCode === 2 || /command not found|No such file/.test(String(r.all))) throw new Error(`perfdhcp failed (install Debian kea-admin): ${String(r.all).slice(-500)}`);
  return String(r.all);
}

const pool = { subnet: '10.90.0.0/16', range: { start: '10.90.1.0', end: '10.90.200.255' } };

interface Peer {
  name: string;
  start(srv: Netns, dir: string): Promise<{ pid: number; stop(): Promise<void>; rssKb(): Promise<number>; unique(): Promise<boolean>; serverOfferMs(): Promise<{ mean: number; max: number; ackMean: number; ackMax: number } | null> }>;
}

// 'log in the state DB': the netboot log where it was before it got a SQLite file of its own (src/store/state-store.ts).
const pbxbootOn = (batchedIo: boolean, logInStateDb = false): Peer => ({
  name: logInStateDb ? 'pbxboot, log in the state DB' : batchedIo ? 'pbxboot' : 'pbxboot on node:dgram',
  async start(srv, dir) {
    await buildDist(); // the compiled build, as `pbxboot serve` runs (tsx adds a __name() call per closure created)
    const s = await startServer(srv, { mode: 'server', address: '10.90.0.1', pools: [{ ...pool, leaseSeconds: 3600 }], autoEnroll: true, quiet: true, eventLog: true, sqlite: join(dir, `state-${Date.now()}.sqlite`), batchedIo, ...(process.env.DHCP_BENCH_RCVBUF ? { receiveBufferBytes: Number(process.env.DHCP_BENCH_RCVBUF) } : {}) }, { build: 'dist', env: logInStateDb ? { PBXBOOT_LAB_EVENTS_DB: 'shared' } : {} });
    return {
      pid: s.proc.pid!,
      stop: async () => void (await s.stop()),
      rssKb: async () => Number((await s.report()).rss) / 1024,
      unique: async () => (await s.report()).ackConflicts === 0,
      serverOfferMs: async () => {
        type L = { count: number; sum: number; max: number };
        const { offerLatency: l, ackLatency: a } = (await s.report()).stats as { offerLatency: L; ackLatency: L };
        return { mean: l.sum / Math.max(1, l.count), max: l.max, ackMean: a.sum / Math.max(1, a.count), ackMax: a.max };
      },
    };
  },
});
const pbxboot = pbxbootOn(true);

function dnsmasq(extra: string[], name: string): Peer {
  return {
    name,
    async start(srv, dir) {
      const p = execa('ip', ['netns', 'exec', srv.name, 'dnsmasq', '--no-daemon', '--port=0', '--interface=eth0', '--dhcp-authoritative', '--dhcp-lease-max=100000',
        `--dhcp-range=${pool.range.start},${pool.range.end},255.255.0.0,1h`, `--dhcp-leasefile=${join(dir, `dnsmasq-${Date.now()}.leases`)}`, ...extra], { reject: false });
      await new Promise((r) => setTimeout(r, 500));
      if (p.exitCode !== null) throw new Error(`dnsmasq did not start (install dnsmasq-base): ${String((await p).stderr)}`);
      const rss = async () => {
        const kids = await execa('pgrep', ['-P', String(p.pid)], { reject: false });
        const pid = String(kids.stdout).split('\n')[0] || String(p.pid);
        return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
      };
      const kids = await execa('pgrep', ['-P', String(p.pid)], { reject: false });
      return { pid: Number(String(kids.stdout).split('\n')[0] || p.pid), stop: async () => void (p.kill('SIGTERM'), await p), rssKb: rss, unique: async () => true, serverOfferMs: async () => null };
    },
  };
}

const kea: Peer = {
  name: 'kea',
  async start(srv, dir) {
    const k = await startKea(srv, dir, { ...pool, leaseSeconds: 3600 });
    return { pid: k.proc.pid!, stop: () => k.stop(), rssKb: async () => k.rssKb(), unique: async () => true, serverOfferMs: async () => null };
  },
};

/** Heap held by the lease table for 10,000 bound leases (in-process, after full GCs). */
function leaseTableHeapKb(): number {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const p = parsePool({ subnet: '10.90.0.0/16', range: { start: '10.90.1.0', end: '10.90.200.255' } });
  gc();
  const before = process.memoryUsage().heapUsed;
  const lt = new LeaseTable([p], { now: Date.now });
  for (let i = 0; i < 10_000; i++) {
    const mac = `02:00:${intToIp(i).split('.').map((x) => Number(x).toString(16).padStart(2, '0')).join(':')}`;
    lt.bind(mac, intToIp(p.start + i), 3600, { clientId: null, hostname: null });
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  if (lt.size !== 10_000) throw new Error('lease table size');
  return (after - before) / 1024;
}

/** user + system CPU of a process so far, ms (from /proc; 10 ms ticks). */
function cpuMs(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime, stime: fields 14, 15 of stat(5)
}
const acksOf = (out: string) => Number(/\*\*\*Statistics for: REQUEST-ACK\*\*\*[\s\S]*?received packets: (\d+)/.exec(out)?.[1] ?? 0);

const nn = (x: number | null | undefined): number | null => (x === null || x === undefined || Number.isNaN(x) ? null : x);

const bench: Bench = async (ctx) => {
  const period = ctx.quick ? 2 : 4;
  const dir = mkdtempSync(join(tmpdir(), 'pbx-dhcp-bench-'));
  const srv = await createNetns('kd-ds');
  const cli = await createNetns('kd-dc');
  await linkVeth(srv, '10.90.0.1/16', cli, '10.90.0.2/16');
  const only = process.env.DHCP_BENCH_PEERS?.split(',');
  // 'pbxboot on node:dgram' (dhcp.batchedIo: false) shows what the batched native sockets add, and 'log in the state
  // DB' what the netboot log's own file adds; rate sweep only.
  const variants = ['pbxboot on node:dgram', 'pbxboot, log in the state DB'];
  const peers = [pbxboot, pbxbootOn(false), pbxbootOn(true, true), kea, dnsmasq([], 'dnsmasq'), dnsmasq(['--no-ping'], 'dnsmasq --no-ping')].filter((p) => !only || only.includes(p.name));
  const avalanche = ctx.quick ? 2000 : 10_000;
  const result: Record<string, { best: Run | null; lowOfferMs: number; served: { mean: number; max: number; ackMean: number; ackMax: number } | null; aval: { seconds: number; lost: number; nonUnique: number } | null; memKbPer10k: number | null; unique: boolean; cpuPerDora: number }> = {};
  const mem: { n: number; pbxboot: number; kea: number }[] = [];
  let evBytes: BootEventBytes | null = null;
  if (process.env.DHCP_BENCH_NO_AVALANCHE) ctx.log('DHCP_BENCH_NO_AVALANCHE: avalanche skipped (development)');
  try {
    // One rate sweep against a fresh server: until two offered rates in a row lose ≥ 5 %, so it finds each server's
    // ceiling. Steps of 500 from 8,000 to 10,000/s, where pbxboot's and Kea's lie here: in steps of 2,000 both
    // read as 8,000, though Kea held 9,500 where pbxboot lost 1.2 % (2026-11-29 05:45).
    const sweep = async (peer: Peer, fast: boolean) => {
      const rates = process.env.DHCP_BENCH_RATES ? process.env.DHCP_BENCH_RATES.split(',').map(Number) : fast ? (ctx.quick ? [1000, 2000, 4000, 6000, 8000, 9000, 10000, 12000] : [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 8500, 9000, 9500, 10000, 11000, 12000, 15000, 20000]) : ctx.quick ? [50, 200] : [50, 100, 200, 300, 400, 600];
      const s = await peer.start(srv, dir);
      // Same warm-up for every server (JIT, caches), which also gives the offer latency at an equal, light load.
      const low = parse(await perfdhcp(cli, ['-r', '100', '-R', '10000', '-p', String(period), '-W', String(EXIT_WAIT_US)], period + 30), period);
      ctx.log(`${peer.name}: 100/s → offer ${low.offerMs.toFixed(2)} ms avg`);
      const rss0 = await s.rssKb();
      let best: Run | null = null;
      let nonUnique = 0;
      const cpu0 = cpuMs(s.pid);
      let past = 0;
      let acked = 0;
      for (const rate of rates) {
        const out = await perfdhcp(cli, ['-r', String(rate), '-R', '10000', '-p', String(period), '-W', String(EXIT_WAIT_US), '-u'], period + 30);
        const r = parse(out, period);
        acked += acksOf(out);
        nonUnique += r.nonUnique;
        ctx.log(`${peer.name}: offered ${rate}/s → ${r.rate.toFixed(0)} DORA/s, drops ${r.drops.toFixed(2)} %, offer ${r.offerMs.toFixed(2)} ms, perfdhcp non-unique ACKs ${r.nonUnique} (perfdhcp's Rate ${/Rate: ([\d.]+)/.exec(out)?.[1] ?? '?'}, over the wait too)`);
        if (r.drops < 1 && (!best || r.rate > best.rate)) best = r;
        if (r.drops >= 5 && (past = past + 1) >= 2) break; // past saturation (twice: one noisy run on a shared machine is not enough)
        if (r.drops < 5) past = 0;
      }
      const cpuPerDora = acked > 0 ? (1000 * (cpuMs(s.pid) - cpu0)) / acked : NaN;
      ctx.log(`${peer.name}: server CPU ${cpuPerDora.toFixed(0)} µs per DORA over the sweep (${acked} ACKs)`);
      const rss1 = await s.rssKb();
      const unique = await s.unique();
      if (nonUnique) ctx.log(`${peer.name}: perfdhcp counted ${nonUnique} non-unique ACKed addresses; server-side ACK audit: ${unique ? 'no address ACKed to two MACs' : 'DOUBLE ASSIGNMENT'}`);
      const served = await s.serverOfferMs();
      await s.stop();
      return { best, low, rss0, rss1, unique, served, cpuPerDora };
    };
    for (const peer of peers) {
      const fast = peer.name.startsWith('pbxboot') || peer.name === 'kea';
      const { best, low, rss0, rss1, unique, served, cpuPerDora } = await sweep(peer, fast);
      if (process.env.DHCP_BENCH_NO_AVALANCHE || variants.includes(peer.name)) {
        result[peer.name] = { best, lowOfferMs: low.offerMs, served, aval: null, memKbPer10k: rss1 - rss0, unique, cpuPerDora };
        continue;
      }
      // Avalanche: a boot storm of fresh clients against a fresh server.
      const a = await peer.start(srv, dir);
      const n = avalanche;
      // dnsmasq does not finish 10,000 in minutes (FIELD-NOTES): it gets a bounded wait and its lost clients are counted.
      const out = await perfdhcp(cli, ['--scenario', 'avalanche', '-R', String(n), '-u'], fast ? 120 : ctx.quick ? 30 : 60);
      const ra = parse(out);
      const secs = ra.seconds ?? NaN; // NaN: not done before the timeout
      const acks = acksOf(out);
      ctx.log(`${peer.name}: avalanche ${n} clients → ${acks} leased in ${secs.toFixed(1)} s`);
      await a.stop();
      result[peer.name] = { best, lowOfferMs: low.offerMs, served, aval: { seconds: secs, lost: Math.max(0, n - acks), nonUnique: ra.nonUnique }, memKbPer10k: rss1 - rss0, unique, cpuPerDora };
    }
    // A second sweep of pbxboot and Kea, in the other order, each keeping its better result: a burst of load from
    // elsewhere on this shared machine during one server's only sweep would otherwise decide the ratio.
    if (!process.env.DHCP_BENCH_RATES) {
      for (const peer of [kea, pbxboot].filter((p) => result[p.name])) {
        const again = await sweep(peer, true);
        const r = result[peer.name]!;
        ctx.log(`${peer.name}: second sweep best ${again.best?.rate.toFixed(0) ?? 'none'} DORA/s at < 1 % drops (first: ${r.best?.rate.toFixed(0) ?? 'none'})`);
        if (again.best && (!r.best || again.best.rate > r.best.rate)) r.best = again.best;
        r.unique &&= again.unique;
      }
    }
    // Item 5: RSS against the number of leases held (preloaded, then a fresh server starts and loads them).
    // A failure in these extra rows is logged; it must not lose the peers' figures above.
    // DHCP_BENCH_NO_EXTRAS (development): rate sweep and avalanche only.
    if (!process.env.DHCP_BENCH_NO_EXTRAS) try {
      await execa('ip', ['-n', srv.name, 'addr', 'add', '10.64.0.1/10', 'dev', 'eth0']);
      for (const n of [0, 10_000, 100_000]) {
        const pb = await pbxbootRssKb(srv, dir, n);
        const kr = await keaRssKb(srv, dir, n);
        ctx.log(`memory: ${n} leases → pbxboot RSS ${(pb.rssKb / 1024).toFixed(1)} MiB, kea ${(kr / 1024).toFixed(1)} MiB`);
        mem.push({ n, pbxboot: pb.rssKb, kea: kr });
      }
    } catch (err) {
      ctx.log(`memory rows failed: ${(err as Error).message}`);
    }
    if (!process.env.DHCP_BENCH_NO_EXTRAS) try {
      evBytes = await bootEventBytes();
      ctx.log(`boot events of one DHCP+TFTP+DHCP(iPXE)+HTTP boot: ${evBytes.rows} rows, ${evBytes.bytes} bytes ${JSON.stringify(evBytes.stages)}`);
    } catch (err) {
      ctx.log(`boot-events row failed: ${(err as Error).message}`);
    }
  } finally {
    await destroyAllNetns();
    rmSync(dir, { recursive: true, force: true });
  }
  const p = result.pbxboot ?? { best: null, lowOfferMs: NaN, served: null, aval: null, memKbPer10k: null, unique: true, cpuPerDora: NaN };
  const others = Object.entries(result).filter(([k]) => k !== 'pbxboot');
  const peersOf = (f: (r: (typeof result)[string]) => number | null) => Object.fromEntries(others.map(([k, v]) => [k, f(v)]));
  const note = `perfdhcp as relay, 10,000 clients, leases persisted; ACKs received per second of the period, replies in flight at its end waited for (-W ${EXIT_WAIT_US / 1000} ms); loaded 2-core machine`;
  const rows: BenchRow[] = [
    { group: 'dhcp', metric: 'DORA/s at < 1 % drops (better of two sweeps for pbxboot and Kea)', unit: 'DORA/s', pbxboot: p.best?.rate ?? 0, peers: peersOf((r) => r.best?.rate ?? 0), higherIsBetter: true, note },
    { group: 'dhcp', metric: 'server CPU per DORA over the rate sweep', unit: 'µs', pbxboot: nn(p.cpuPerDora), peers: peersOf((r) => nn(r.cpuPerDora)), note: 'user+system of the server process / ACKs perfdhcp received; steadier than rates on a shared machine' },
    { group: 'dhcp', metric: 'offer latency at 100 DISCOVER/s (perfdhcp avg)', unit: 'ms', pbxboot: nn(p.lowOfferMs), peers: peersOf((r) => nn(r.lowOfferMs)), note: 'null: no offer within perfdhcp\'s wait (dnsmasq\'s ping check)' },
    { group: 'dhcp', metric: 'offer latency at the best rate (perfdhcp avg)', unit: 'ms', pbxboot: p.best?.offerMs ?? null, peers: peersOf((r) => r.best?.offerMs ?? null), note: 'includes queueing in the socket buffer' },
    { group: 'dhcp', metric: 'DISCOVER→OFFER inside pbxboot, mean / max over all runs', unit: 'ms', pbxboot: p.served?.mean ?? null, note: `max ${p.served?.max.toFixed(1) ?? '-'} ms; no ping check: leases are authoritative` },
    { group: 'dhcp', metric: 'REQUEST→ACK inside pbxboot, mean / max over all runs', unit: 'ms', pbxboot: p.served?.ackMean ?? null, note: `max ${p.served?.ackMax.toFixed(1) ?? '-'} ms; includes the wait for the lease's group commit` },
    { group: 'dhcp', metric: `avalanche ${avalanche} clients: time to all leased`, unit: 's', pbxboot: p.aval?.seconds ?? null, peers: peersOf((r) => r.aval?.seconds ?? null) },
    { group: 'dhcp', metric: 'avalanche: clients without a lease', unit: 'clients', pbxboot: p.aval?.lost ?? null, peers: peersOf((r) => r.aval?.lost ?? null) },
    { group: 'dhcp', metric: 'addresses given to two clients', unit: 'count', pbxboot: p.unique ? 0 : 1, note: 'audit of every ACK sent (ip → mac); perfdhcp -u counts are logged above' },
    { group: 'dhcp', metric: 'RSS growth over the 10,000-client runs', unit: 'KiB', pbxboot: p.memKbPer10k, peers: peersOf((r) => r.memKbPer10k), note: 'whole process; pbxboot includes SQLite page cache' },
    { group: 'dhcp', metric: 'heap per 10,000 leases (lease table)', unit: 'KiB', pbxboot: leaseTableHeapKb() },
  ];
  const m0 = mem.find((m) => m.n === 0);
  for (const m of mem.filter((x) => x.n > 0)) {
    rows.push({ group: 'dhcp', metric: `RSS with ${m.n.toLocaleString('en')} leases loaded`, unit: 'MiB', pbxboot: m.pbxboot / 1024, peers: { kea: m.kea / 1024 },
      note: m0 ? `above an empty server: pbxboot ${((1024 * (m.pbxboot - m0.pbxboot)) / m.n).toFixed(0)} B/lease, kea ${((1024 * (m.kea - m0.kea)) / m.n).toFixed(0)} B/lease` : undefined });
  }
  if (evBytes) {
    rows.push({ group: 'dhcp', metric: 'boot events of one boot (DHCP, TFTP, DHCP as iPXE, HTTP script + kernel + initrd)', unit: 'bytes', pbxboot: evBytes.bytes,
      note: `${evBytes.rows} boot_events rows (text of stage/level/detail/mac/node + id/time), ≈ ${Math.round(evBytes.bytes / evBytes.rows)} B each; linear in boots, plus three index entries per row` });
  }
  return rows;
};
export default bench;

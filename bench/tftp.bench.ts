// TFTP throughput: pbxboot vs tftpd-hpa, dnsmasq and atftpd (the RFC 7440 peer), atftp as the one client, on a
// bare veth and through a 1 ms-each-way user-space delay line (bench/udp-delay-relay.c); plus 50 concurrent clients.
// Own network namespaces.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetns, destroyAllNetns, linkVeth, requireNetns, type Netns } from '../test/helpers/netns.js';
import { segmentOffloadAvailable } from '../src/tftp/udp-gso.js';
import { atftpdPath, delayRelayPath } from './peer-bins.js';
import type { BenchContext, BenchRow } from './types.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const MB = 1e6;

// Addresses: client ↔ server directly (bare), and client ↔ relay ↔ server (delay line).
const SRV_BARE = '10.88.3.1';
const CLI_BARE = '10.88.3.2/24';
const RELAY_CLI = '10.88.1.1';
const CLI_RELAY = '10.88.1.2/24';
const RELAY_SRV = '10.88.2.1/24';
const SRV_RELAY = '10.88.2.2';
// pbxboot-dgram: the same server on the event loop without UDP GSO (tftp.nativePump and tftp.segmentOffload false);
// pbxboot-sleep: the native pump without busy-polling (tftp.busyPollUs 0). They show what each native part adds.
const ports = { pbxboot: 6969, 'pbxboot-dgram': 6970, 'pbxboot-sleep': 6971, 'tftpd-hpa': 7069, dnsmasq: 69, atftpd: 7169 } as const;
type Server = keyof typeof ports;

async function waitReady(p: ResultPromise, what: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start`)), 20_000);
    p.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    p.catch((e: unknown) => {
      clearTimeout(timer);
      reject(e instanceof Error ? e : new Error(String(e)));
    });
  });
}

async function requireTools(): Promise<void> {
  for (const [bin, pkg] of [['atftp', 'atftp'], ['/usr/sbin/in.tftpd', 'tftpd-hpa'], ['dnsmasq', 'dnsmasq-base']] as const) {
    const r = await execa('sh', ['-c', `command -v ${bin}`], { reject: false });
    if (r.exitCode !== 0) throw new Error(`${bin} missing: install the Debian package ${pkg} (scripts/test-deps.sh)`);
  }
}

/** The median of the tries that completed; null when none did. */
function median(xs: ReadonlyArray<number | null>): number | null {
  const ok = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (ok.length === 0) return null;
  const m = ok.length >> 1;
  return ok.length % 2 ? ok[m]! : (ok[m - 1]! + ok[m]!) / 2;
}

/** `what` from the environment, one of `allowed`, or undefined when unset. */
function envChoice<T extends string>(what: string, allowed: readonly T[]): T | undefined {
  const v = process.env[what];
  if (v === undefined || v === '') return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new Error(`${what}=${v}: expected one of ${allowed.join(', ')}`);
  return v as T;
}

// To study one kind of cell: TFTP_BENCH_ONLY=windowed or lockstep (no 50-client round either way), TFTP_BENCH_LINK=bare
// or 1ms, TFTP_BENCH_REPS=N tries for every cell.
const only = envChoice('TFTP_BENCH_ONLY', ['windowed', 'lockstep'] as const);
const onlyLink = envChoice('TFTP_BENCH_LINK', ['bare', '1ms'] as const);
const repsOverride = process.env.TFTP_BENCH_REPS ? Number(process.env.TFTP_BENCH_REPS) : undefined;
if (repsOverride !== undefined && !(Number.isInteger(repsOverride) && repsOverride > 0)) {
  throw new Error(`TFTP_BENCH_REPS=${process.env.TFTP_BENCH_REPS}: expected a whole number of tries ≥ 1`);
}

// TFTP_BENCH_PIN=1: the client on CPU 0 and every server on CPU 1, as if on two hosts. Unpinned, pbxboot's pump and
// the client sometimes share a CPU (no cross-CPU wake-ups) and a windowed transfer then runs ≈ 1.6× faster; atftpd
// never got that placement here, so pinned figures are the fairer comparison.
const pin = (cpu: number): string[] => (process.env.TFTP_BENCH_PIN === '1' ? ['taskset', '-c', String(cpu)] : []);

/** One atftp get inside the client namespace; returns MB/s or null on failure. */
async function fetch(cli: Netns, host: string, port: number, file: string, size: number, opts: Record<string, string>, out: string) {
  const args = Object.entries(opts).flatMap(([k, v]) => ['--option', `${k} ${v}`]);
  const t0 = performance.now();
  const [cmd, ...pre] = [...pin(0), 'atftp'];
  const r = await cli.exec(cmd!, [...pre, ...args, '-g', '-r', file, '-l', out, host, String(port)], { reject: false, timeout: 180_000 });
  const s = (performance.now() - t0) / 1000;
  let got = -1;
  try {
    got = statSync(out).size;
  } catch {
    /* missing */
  }
  if (r.exitCode !== 0 || got !== size) return null;
  return size / MB / s;
}

export default async function tftpBench(ctx: BenchContext): Promise<BenchRow[]> {
  await requireNetns();
  await requireTools();
  const atftpd = await atftpdPath();
  const dir = mkdtempSync(join(tmpdir(), 'pbx-tftp-bench-'));
  const root = join(dir, 'root');
  const outDir = join(dir, 'out');
  await execa('mkdir', ['-p', root, outDir]);
  const bigSize = (ctx.quick ? 5 : 20) * 1024 * 1024;
  const slowSize = (ctx.quick ? 0.5 : 2) * 1024 * 1024; // lock-step through the delay line is ~0.3–0.6 MB/s
  writeFileSync(join(root, 'big.img'), randomBytes(bigSize));
  writeFileSync(join(root, 'slow.img'), randomBytes(slowSize));
  writeFileSync(join(root, 'ipxe.efi'), randomBytes(1024 * 1024));
  await execa('chmod', ['-R', 'a+rX', dir]);
  const children: ResultPromise[] = [];
  const rows: BenchRow[] = [];
  try {
    const cli = await createNetns('tcli');
    const srv = await createNetns('tsrv');
    const relay = await createNetns('trly');
    await linkVeth(srv, `${SRV_BARE}/24`, cli, CLI_BARE, { aIf: 'bare0', bIf: 'bare0' });
    await linkVeth(relay, `${RELAY_CLI}/24`, cli, CLI_RELAY, { aIf: 'cli0', bIf: 'rly0' });
    await linkVeth(relay, RELAY_SRV, srv, `${SRV_RELAY}/24`, { aIf: 'srv0', bIf: 'rly0' });

    const spawn = (ns: Netns, cmd: string, args: string[], what: string, ready = true) => {
      const p = execa('ip', ['netns', 'exec', ns.name, ...(ns === srv ? pin(1) : []), cmd, ...args], { cwd: repo, reject: false, stdout: 'pipe', stderr: 'pipe' });
      children.push(p);
      return ready ? waitReady(p, what) : Promise.resolve();
    };
    await spawn(srv, process.execPath, ['--import', 'tsx', join(repo, 'bench/tftp-server-child.ts'), JSON.stringify({ port: ports.pbxboot, root, maxTransfers: 64 })], 'pbxboot');
    await spawn(srv, process.execPath, ['--import', 'tsx', join(repo, 'bench/tftp-server-child.ts'), JSON.stringify({ port: ports['pbxboot-dgram'], root, maxTransfers: 64, segmentOffload: false, nativePump: false })], 'pbxboot-dgram');
    await spawn(srv, process.execPath, ['--import', 'tsx', join(repo, 'bench/tftp-server-child.ts'), JSON.stringify({ port: ports['pbxboot-sleep'], root, maxTransfers: 64, busyPollUs: 0 })], 'pbxboot-sleep');
    if (!segmentOffloadAvailable()) ctx.log('WARNING: native/udp-io is not built (npm run build:native): pbxboot runs on node:dgram alone');
    // tftpd-hpa in the foreground (-L), dnsmasq as TFTP only (--port=0 turns DNS off).
    await spawn(srv, '/usr/sbin/in.tftpd', ['-L', '-s', root, '-a', `0.0.0.0:${ports['tftpd-hpa']}`, '-u', 'root'], 'tftpd-hpa', false);
    await spawn(srv, 'dnsmasq', ['--no-daemon', '--port=0', '--enable-tftp', `--tftp-root=${root}`, '--user=root', '--group=root', '--pid-file=' + join(dir, 'dnsmasq.pid'), '--conf-file=/dev/null', '--tftp-max=100'], 'dnsmasq', false);
    await spawn(srv, atftpd, ['--daemon', '--no-fork', '--port', String(ports.atftpd), '--user', 'root', '--group', 'root', '--logfile', '/dev/null', '--maxthread', '100', root], 'atftpd', false);
    const routes = (Object.keys(ports) as Server[]).map((s) => `${RELAY_CLI}:${ports[s]}=${SRV_RELAY}:${ports[s]}`);
    await spawn(relay, await delayRelayPath(), ['1000', ...routes], 'delay relay');
    await new Promise((r) => setTimeout(r, 500)); // the C peers print nothing when ready

    // Servers take turns within each repetition so a burst of load from elsewhere on this shared machine hits all of
    // them alike. Each figure is the median of the tries: the spread comes in bursts (the scheduler putting client and
    // server on one CPU, or the VM stalled), and the best of a few tries let one lucky try decide a cell.
    let n = 0;
    const once = async (host: string, s: Server, file: string, size: number, opts: Record<string, string>) => {
      const out = join(outDir, `o${n++}`);
      const v = await fetch(cli, host, ports[s], file, size, opts, out);
      rmSync(out, { force: true });
      return v;
    };
    const tries = async (reps: number, host: string, servers: readonly Server[], file: string, size: number, opts: Record<string, string>) => {
      const each: Record<string, Array<number | null>> = {};
      for (let i = 0; i < reps; i++) for (const s of servers) (each[s] ??= []).push(await once(host, s, file, size, opts));
      const fig: Record<string, number | null> = {};
      for (const s of servers) {
        fig[s] = median(each[s]!);
        const list = each[s]!.map((x) => (x === null ? 'failed' : x.toPrecision(3))).join(' ');
        ctx.log(`${host === SRV_BARE ? 'bare' : '1ms '} ${s.padEnd(9)} ${file} ${JSON.stringify(opts)}: ${fig[s] === null ? 'FAILED' : fig[s]!.toPrecision(3) + ' MB/s'} (median of: ${list})`);
      }
      const failed = servers.filter((s) => each[s]!.includes(null)).map((s) => `${s} ${each[s]!.filter((x) => x === null).length}`);
      return { fig, each, failedNote: failed.length ? `failed tries: ${failed.join(', ')}` : undefined };
    };

    for (const [link, host, file, size, reps] of [
      ['bare veth', SRV_BARE, 'big.img', bigSize, ctx.quick ? 1 : 5],
      ['1 ms each way', RELAY_CLI, 'slow.img', slowSize, ctx.quick ? 1 : 3],
    ] as const) {
      const lockBest: Record<string, number> = {};
      if (onlyLink && onlyLink !== (host === SRV_BARE ? 'bare' : '1ms')) continue;
      for (const blksize of only === 'windowed' ? [] : ['512', '1468']) {
        // The two diagnostic pbxboot variants only on the bare link: through the delay line every server waits on the relay.
        const servers = host === SRV_BARE ? (['tftpd-hpa', 'dnsmasq', 'atftpd', 'pbxboot-dgram', 'pbxboot-sleep', 'pbxboot'] as const) : (['tftpd-hpa', 'dnsmasq', 'atftpd', 'pbxboot'] as const);
        const { fig, failedNote } = await tries(repsOverride ?? reps, host, servers, file, size, blksize === '512' ? {} : { blksize });
        for (const s of ['tftpd-hpa', 'dnsmasq', 'atftpd'] as const) lockBest[s] = Math.max(lockBest[s] ?? 0, fig[s] ?? 0);
        rows.push({
          group: 'tftp',
          metric: `${(size / 1048576).toFixed(1)} MiB lock-step, blksize ${blksize}, ${link}`,
          unit: 'MB/s',
          pbxboot: fig.pbxboot ?? null,
          peers: { 'tftpd-hpa': fig['tftpd-hpa'] ?? null, dnsmasq: fig.dnsmasq ?? null, atftpd: fig.atftpd ?? null, 'pbxboot on the event loop': fig['pbxboot-dgram'] ?? null, 'pbxboot pump, no busy-poll': fig['pbxboot-sleep'] ?? null },
          higherIsBetter: true,
          note: [link === 'bare veth' ? 'target ≥ every peer' : undefined, failedNote].filter(Boolean).join('; ') || undefined,
        });
      }
      for (const ws of only === 'lockstep' ? [] : ['4', '16', '64']) {
        // 9 tries each: on the bare link at windowsize 64 the atftp client sets the pace and one try to the next varies
        // ±25 % for every server; through the delay line the relay's 1 ms timers do, ±5 %. The variants without the
        // native parts only on the bare link, where the server's own speed shows.
        const servers = host === SRV_BARE ? (['atftpd', 'pbxboot-dgram', 'pbxboot-sleep', 'pbxboot'] as const) : (['atftpd', 'pbxboot'] as const);
        const { fig, each, failedNote } = await tries(repsOverride ?? (ctx.quick ? 1 : 9), host, servers, 'big.img', bigSize, { blksize: '1468', windowsize: ws });
        const paired = each.pbxboot!.filter((v, i) => v !== null && each.atftpd![i] !== null).length;
        const ahead = each.pbxboot!.filter((v, i) => v !== null && each.atftpd![i] !== null && v > each.atftpd![i]!).length;
        rows.push({
          group: 'tftp',
          metric: `${(bigSize / 1048576).toFixed(0)} MiB windowsize ${ws}, blksize 1468, ${link}`,
          unit: 'MB/s',
          pbxboot: fig.pbxboot ?? null,
          peers: { [`atftpd windowsize ${ws}`]: fig.atftpd ?? null, 'pbxboot on the event loop, no GSO': fig['pbxboot-dgram'] ?? null, 'pbxboot pump, no busy-poll': fig['pbxboot-sleep'] ?? null, 'dnsmasq best lock-step': lockBest.dnsmasq ?? null },
          higherIsBetter: true,
          note: `${ws === '16' && link !== 'bare veth' ? 'target ≥ atftpd, ≥ 8× dnsmasq' : 'target ≥ atftpd (tftpd-hpa, dnsmasq: no windowsize)'}; pbxboot ahead in ${ahead} of ${paired} tries${failedNote ? `; ${failedNote}` : ''}`,
        });
      }
    }

    if (only) return rows;
    // Boot storm: 50 clients at once, 1 MiB each, bare link; three rounds, the servers taking turns in each. A server's
    // figure is the median of its rounds, and counts only if every client of every round got the whole file.
    const servers = ['tftpd-hpa', 'dnsmasq', 'atftpd', 'pbxboot'] as const;
    const rounds: Record<string, number[]> = {};
    const done: Record<string, number> = { pbxboot: 50, 'tftpd-hpa': 50, dnsmasq: 50, atftpd: 50 };
    for (let round = 0; round < (ctx.quick ? 1 : 3); round++) {
      for (const s of servers) {
        const t0 = performance.now();
        const res = await Promise.all(
          Array.from({ length: 50 }, (_, i) => fetch(cli, SRV_BARE, ports[s], 'ipxe.efi', 1024 * 1024, { blksize: '1468' }, join(outDir, `s${s}${i}`))),
        );
        const secs = (performance.now() - t0) / 1000;
        const ok = res.filter((v) => v !== null).length;
        done[s] = Math.min(done[s]!, ok);
        (rounds[s] ??= []).push(secs);
        ctx.log(`storm ${s}: ${ok}/50 complete in ${secs.toFixed(2)} s`);
      }
    }
    const storm = Object.fromEntries(servers.map((s) => [s, median(rounds[s]!)]));
    rows.push({
      group: 'tftp',
      metric: '50 concurrent clients × 1 MiB (blksize 1468), all done',
      unit: 's',
      pbxboot: done.pbxboot === 50 ? (storm.pbxboot ?? null) : null,
      peers: {
        'tftpd-hpa': done['tftpd-hpa'] === 50 ? (storm['tftpd-hpa'] ?? null) : null,
        dnsmasq: done.dnsmasq === 50 ? (storm.dnsmasq ?? null) : null,
        atftpd: done.atftpd === 50 ? (storm.atftpd ?? null) : null,
      },
      higherIsBetter: false,
      note: `fewest completed in a round: pbxboot ${done.pbxboot}/50, tftpd-hpa ${done['tftpd-hpa']}/50, dnsmasq ${done.dnsmasq}/50, atftpd ${done.atftpd}/50`,
    });
    return rows;
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.allSettled(children);
    await destroyAllNetns();
    rmSync(dir, { recursive: true, force: true });
  }
}

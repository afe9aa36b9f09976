// Wall-TV fan-out: 150 clients on the coalesced SSE stream while nodes join,
// boot and leave through the API — change-to-client delay p50/p99 and the CPU
// the pbxboot process spent — beside the same 150 clients polling
// GET /v1/dashboard every second (what a naive TV page would do).
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bench, BenchRow } from './types.js';
import { startServe } from '../test/helpers/cli.js';

const CLIENTS = 150;
const TICKS_PER_S = 100; // getconf CLK_TCK on Linux x86-64

/** utime + stime of a process in seconds (/proc/<pid>/stat fields 14 and 15, proc(5)). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 on
  return (Number(f[11]) + Number(f[12])) / TICKS_PER_S;
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : NaN;
};

/** A change and how a client recognises it in a snapshot's JSON text (rows serialise id, name, state in that order). */
interface Change { label: string; run(): Promise<void>; seen(json: string): boolean }

type Client = { close(): void };

export default (async (ctx) => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxboot-bench-dash-'));
  const port = 20000 + Math.floor(Math.random() * 30000);
  const server = await startServe(['--http-port', String(port), '--log-level', 'error'], { cwd: dir });
  const pid = server.proc.pid!;
  const read = readFileSync(join(dir, 'data', 'dashboard-token'), 'utf8').trim();
  const admin = readFileSync(join(dir, 'data', 'api-token'), 'utf8').trim();
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const api = async (method: string, path: string, body?: unknown): Promise<Response> => {
    const r = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r;
  };

  /** Each node makes four changes: joins (enrolled), fetches its iPXE script (booting), its bundle (configured), is removed. */
  const changesFor = (prefix: string, nodes: number): Change[] => {
    const out: Change[] = [];
    for (let i = 0; i < nodes; i++) {
      const name = `${prefix}${String(i).padStart(2, '0')}`;
      const mac = `52:54:00:${prefix === 'sse' ? '0a' : '0b'}:00:${i.toString(16).padStart(2, '0')}`;
      const has = (state: string) => (json: string) => json.includes(`"name":"${name}","state":"${state}"`);
      let bootToken = '';
      out.push(
        { label: `${name} joins`, run: async () => void (await api('POST', '/v1/nodes', { name, macs: [mac] })), seen: has('enrolled') },
        {
          label: `${name} booting`,
          run: async () => void (bootToken = /pbxboot\.token=(\S+)/.exec(await (await fetch(`${server.url}/boot/ipxe/${mac}`)).text())?.[1] ?? ''),
          seen: has('booting'),
        },
        { label: `${name} configured`, run: async () => void (await (await fetch(`${server.url}/v1/boot/${name}/bundle?token=${bootToken}`)).arrayBuffer()), seen: has('configured') },
        { label: `${name} removed`, run: async () => void (await api('DELETE', `/v1/nodes/${name}?force=1`)), seen: (json) => !json.includes(`"name":"${name}"`) },
      );
    }
    return out;
  };

  /** Runs the changes one by one and collects, per change, each client's delay from the API call's return to the first data showing it. */
  async function measure(changes: Change[], openClient: (onData: (json: string) => void) => Client, ready: () => boolean): Promise<{ delays: number[]; missed: number; cpu: number; wall: number }> {
    let current: { change: Change; doneAt: number; pending: Set<number> } | null = null;
    const delays: number[] = [];
    const clients: Client[] = [];
    for (let k = 0; k < CLIENTS; k++) {
      clients.push(
        openClient((json) => {
          const c = current;
          if (!c || !c.pending.has(k) || !c.change.seen(json)) return;
          c.pending.delete(k);
          // Data may arrive before the API call's own response is read: that is 0 delay.
          delays.push(c.doneAt ? Math.max(0, performance.now() - c.doneAt) : 0);
        }),
      );
    }
    const until = Date.now() + 20_000;
    while (!ready() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    if (!ready()) throw new Error('clients did not all connect');
    let missed = 0;
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    for (const change of changes) {
      current = { change, doneAt: 0, pending: new Set(Array.from({ length: CLIENTS }, (_, k) => k)) };
      await change.run();
      current.doneAt = performance.now();
      const giveUp = Date.now() + 5000;
      while (current.pending.size > 0 && Date.now() < giveUp) await new Promise((r) => setTimeout(r, 10));
      missed += current.pending.size;
      // Changes at irregular intervals, so they do not lock step with the feed's tick or the polls.
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 400));
    }
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    for (const c of clients) c.close();
    return { delays, missed, cpu, wall };
  }

  try {
    const nodes = ctx.quick ? 3 : 10;

    // pbxboot: one EventSource per TV on the coalesced stream.
    let connected = 0;
    const sse = await measure(
      changesFor('sse', nodes),
      (onData) => {
        let buf = '';
        const req = http.get(`${server.url}/v1/dashboard/stream?token=${encodeURIComponent(read)}`, { agent }, (res) => {
          res.setEncoding('utf8');
          let first = true;
          res.on('data', (chunk: string) => {
            buf += chunk;
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const at = block.indexOf('data: ');
              if (at < 0) continue;
              if (first) (first = false), connected++;
              onData(block.slice(at + 6));
            }
          });
        });
        req.on('error', () => undefined);
        return { close: () => req.destroy() };
      },
      () => connected === CLIENTS,
    );
    ctx.log(`SSE: ${sse.delays.length} arrivals, ${sse.missed} missed, CPU ${sse.cpu.toFixed(2)} s over ${sse.wall.toFixed(1)} s`);

    // Peer: each TV polls the snapshot every second, starting at a random phase.
    let polled = 0;
    const seenOnce = new Set<number>();
    let nextId = 0;
    const poll = await measure(
      changesFor('poll', nodes),
      (onData) => {
        const id = nextId++;
        let stop = false;
        let timer: NodeJS.Timeout | undefined;
        const once = () => {
          if (stop) return;
          const req = http.get(`${server.url}/v1/dashboard`, { agent, headers: { authorization: `Bearer ${read}` } }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => {
              if (res.statusCode !== 200) return;
              if (!seenOnce.has(id)) (seenOnce.add(id), polled++);
              onData(body);
            });
          });
          req.on('error', () => undefined);
          timer = setTimeout(once, 1000);
        };
        timer = setTimeout(once, Math.random() * 1000);
        return { close: () => ((stop = true), clearTimeout(timer)) };
      },
      () => polled === CLIENTS,
    );
    ctx.log(`poll: ${poll.delays.length} arrivals, ${poll.missed} missed, CPU ${poll.cpu.toFixed(2)} s over ${poll.wall.toFixed(1)} s`);

    const peer = 'poll GET /v1/dashboard 1 s';
    const note = `${CLIENTS} clients, ${nodes * 4} changes (join, booting, configured, removed); loaded 2-core machine`;
    return [
      { group: 'dashboard', metric: `change → ${CLIENTS} clients, p50`, unit: 'ms', pbxboot: pct(sse.delays, 50), peers: { [peer]: pct(poll.delays, 50) }, note },
      { group: 'dashboard', metric: `change → ${CLIENTS} clients, p99`, unit: 'ms', pbxboot: pct(sse.delays, 99), peers: { [peer]: pct(poll.delays, 99) } },
      { group: 'dashboard', metric: 'changes not seen within 5 s', unit: 'client×change', pbxboot: sse.missed, peers: { [peer]: poll.missed } },
      { group: 'dashboard', metric: 'pbxboot CPU during the run', unit: '% of a core', pbxboot: (100 * sse.cpu) / sse.wall, peers: { [peer]: (100 * poll.cpu) / poll.wall }, note: '/proc/<pid>/stat utime+stime' },
    ] satisfies BenchRow[];
  } finally {
    agent.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}) satisfies Bench;

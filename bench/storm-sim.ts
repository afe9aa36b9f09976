// Boot-storm simulator (a child process in the client namespace): N nodes at
// once walk the UEFI netboot chain — DHCP as firmware, TFTP of the bootfile,
// DHCP as iPXE, HTTP script, kernel + initrd, bundle, POST ready — each from
// its own leased address. Prints one JSON line: per-node stage times.
import http from 'node:http';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { decodeBundle } from '../src/boot/bundle-tar.js';
import { DhcpRelay, type Lease } from './storm-dhcp.js';
import { tftpGet } from './storm-tftp.js';

export interface SimConfig {
  server: string; // the boot server's address (DHCP relay target)
  giaddr: string; // this namespace's relay address
  nodes: { name: string; mac: string }[];
  /** enrol the nodes first through pbxboot's API (not timed as part of the storm) */
  enroll?: { url: string; token: string };
  expect: { ipxeBytes: number; ipxeSha: string; kernelBytes: number; initrdBytes: number; initrdSha: string };
  /** sha256 of the initrd for every n-th node (all sizes are checked) */
  hashEvery: number;
  tftp: { windowsize: number; blksize: number };
  timeoutMs: number;
}

export const STAGES = ['dhcp', 'tftp', 'ipxeDhcp', 'script', 'images', 'bundle', 'ready'] as const;
export type Stage = (typeof STAGES)[number];

export interface NodeResult {
  mac: string;
  ok: boolean;
  error?: string;
  ip?: string;
  /** ms spent in each stage */
  stages: Partial<Record<Stage, number>>;
  /** ms from storm start to ready */
  doneAt?: number;
  tftpRetransmits?: number;
  /** HTTP attempts that failed and were retried (stage: reason) */
  retries?: string[];
  /** ms from storm start to the failure */
  failedAfter?: number;
  initrdHashed?: boolean;
}

export interface SimResult {
  enrollMs: number;
  wallMs: number;
  nodes: NodeResult[];
}

interface Got {
  status: number;
  bytes: number;
  body?: Buffer;
  sha256?: string;
}

/** One HTTP request from `local`; the body is kept only when asked (small replies), hashed when asked. */
function request(url: string, o: { local: string; agent: http.Agent; method?: string; body?: string; keep?: boolean; hash?: boolean; headers?: Record<string, string>; timeoutMs: number }): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: o.method ?? 'GET', localAddress: o.local, agent: o.agent, headers: o.headers, timeout: o.timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      const h = o.hash ? createHash('sha256') : null;
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        h?.update(c);
        if (o.keep) parts.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ...(o.keep ? { body: Buffer.concat(parts) } : {}), ...(h ? { sha256: h.digest('hex') } : {}) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout ${url}`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

/** kernel/initrd URLs and the pbxboot.* arguments of an iPXE script (templates/ipxe/node.ipxe.hbs). */
function parseScript(s: string): { kernel: string; initrds: string[]; args: Record<string, string> } {
  const k = /^kernel\s+(?:--name\s+\S+\s+)?(\S+)(.*)$/m.exec(s);
  if (!k?.[1]) throw new Error(`no kernel line in the iPXE script: ${s.slice(0, 200)}`);
  const args = Object.fromEntries([...(k[2] ?? '').matchAll(/\bpbxboot\.(\w+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const initrds = [...s.matchAll(/^initrd\s+(?:--name\s+\S+\s+)?(\S+)/gm)].map((m) => m[1]!);
  return { kernel: k[1], initrds, args };
}

/** Fills `r` as the node goes (a storm that times out still reports how far each node got). */
async function bootOne(cfg: SimConfig, relay: DhcpRelay, node: { mac: string }, index: number, t0: number, r: NodeResult): Promise<void> {
  const mac = Buffer.from(node.mac.split(':').map((x) => parseInt(x, 16)));
  const uuid = createHash('md5').update(node.mac).digest();
  let t = performance.now();
  let at: Stage = 'dhcp';
  const lap = (s: Stage) => {
    const now = performance.now();
    r.stages[s] = now - t;
    t = now;
    at = STAGES[STAGES.indexOf(s) + 1] ?? s;
    r.error = `${at}: storm timed out`;
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const fresh = new http.Agent({ keepAlive: false });
  try {
    const lease: Lease | null = await relay.dora(mac, 'pxe', uuid);
    if (!lease) throw new Error('dhcp: no lease');
    r.ip = lease.ip;
    if (!lease.bootfile) throw new Error('dhcp: no bootfile in the ACK');
    lap('dhcp');
    const tf = await tftpGet(lease.ip, lease.nextServer, lease.bootfile, cfg.tftp);
    r.tftpRetransmits = tf.retransmits;
    if (tf.bytes !== cfg.expect.ipxeBytes || tf.sha256 !== cfg.expect.ipxeSha) throw new Error(`tftp: got ${tf.bytes} bytes, sha ${tf.sha256.slice(0, 12)}`);
    lap('tftp');
    const again = await relay.dora(mac, 'ipxe', uuid);
    if (!again) throw new Error('ipxe dhcp: no lease');
    if (again.ip !== lease.ip) throw new Error(`ipxe dhcp: address changed ${lease.ip} → ${again.ip}`);
    if (!/^http:\/\//.test(again.bootfile)) throw new Error(`ipxe dhcp: bootfile is not a URL: ${again.bootfile}`);
    lap('ipxeDhcp');
    const local = lease.ip;
    // iPXE keeps its connection open (script, kernel, initrd); the agent's busybox wget opens one per request.
    const opts = { local, agent, timeoutMs: cfg.timeoutMs };
    const once = { local, agent: fresh, timeoutMs: cfg.timeoutMs };
    const sc = await retrying(r, 'script', 3, async () => {
      const script = await request(again.bootfile, { ...opts, keep: true });
      if (script.status !== 200) throw new Error(`HTTP ${script.status}`);
      return parseScript(script.body!.toString('utf8'));
    });
    const { url, node: nodeId, token } = sc.args;
    if (!url || !nodeId || !token) throw new Error('script: no pbxboot.url/node/token (node not enrolled?)');
    lap('script');
    const hash = index % cfg.hashEvery === 0;
    // The script's own retry loop (templates/ipxe/node.ipxe.hbs): kernel and initrds again, doubling the delay.
    await retrying(r, 'images', 6, async () => {
      const kernel = await request(sc.kernel, opts);
      if (kernel.status !== 200 || kernel.bytes !== cfg.expect.kernelBytes) throw new Error(`kernel: HTTP ${kernel.status}, ${kernel.bytes} bytes`);
      for (const u of sc.initrds) {
        const g = await request(u, { ...opts, hash });
        if (g.status !== 200 || g.bytes !== cfg.expect.initrdBytes) throw new Error(`initrd: HTTP ${g.status}, ${g.bytes} bytes`);
        if (hash && g.sha256 !== cfg.expect.initrdSha) throw new Error(`initrd: sha256 ${g.sha256?.slice(0, 12)} differs`);
      }
    });
    r.initrdHashed = hash;
    lap('images');
    // The agent's first-bundle loop; a refused token (4xx) is final (the agent reboots the node).
    const bundle = await retrying(r, 'bundle', 6, async () => {
      const b = await request(`${url}/v1/boot/${nodeId}/bundle?token=${token}`, { ...once, keep: true });
      if (b.status >= 400 && b.status < 500) throw Object.assign(new Error(`HTTP ${b.status} ${b.body?.toString().slice(0, 200)}`), { final: true });
      if (b.status !== 200) throw new Error(`HTTP ${b.status}`);
      return decodeBundle(b.body!); // checks every member against SHA256SUMS
    });
    const nodeToken = bundle.manifest.token ?? token;
    lap('bundle');
    // post_event: three tries.
    await retrying(r, 'ready', 3, async () => {
      const ready = await request(`${url}/v1/boot/${nodeId}/events?token=${nodeToken}`, {
        ...once,
        method: 'POST',
        body: JSON.stringify({ stage: 'ready', detail: { sim: true } }),
        headers: { 'content-type': 'application/json' },
        keep: true,
      });
      if (ready.status !== 200) throw new Error(`HTTP ${ready.status} ${ready.body?.toString().slice(0, 200)}`);
      const state = (JSON.parse(ready.body!.toString() || '{}') as { state?: string }).state;
      if (state !== undefined && state !== 'ready') throw Object.assign(new Error(`node state ${state}`), { final: true });
    });
    lap('ready');
    r.ok = true;
    r.doneAt = performance.now() - t0;
    delete r.error;
  } catch (e) {
    r.error = `${at}: ${(e as Error).message}`;
    r.failedAfter = performance.now() - t0;
  } finally {
    agent.destroy();
    fresh.destroy();
  }
}

/** Retries like the real clients do, with a doubling delay from 1 s; each retry is recorded on the node. */
async function retrying<T>(r: NodeResult, what: string, tries: number, fn: () => Promise<T>): Promise<T> {
  let delay = 1000;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= tries || (e as { final?: boolean }).final) throw new Error(`${what}: ${(e as Error).message}`);
      (r.retries ??= []).push(`${what}: ${(e as Error).message}`);
      await new Promise((res) => setTimeout(res, delay));
      delay = Math.min(delay * 2, 64_000);
    }
  }
}

async function enroll(cfg: SimConfig): Promise<void> {
  const e = cfg.enroll!;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const queue = [...cfg.nodes];
  const worker = async () => {
    for (let n = queue.shift(); n; n = queue.shift()) {
      const g = await request(`${e.url}/v1/nodes`, {
        local: cfg.giaddr,
        agent,
        method: 'POST',
        body: JSON.stringify({ name: n.name, mac: n.mac }),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${e.token}` },
        keep: true,
        timeoutMs: 30_000,
      });
      if (g.status !== 201) throw new Error(`enrol ${n.name}: HTTP ${g.status} ${g.body?.toString().slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  agent.destroy();
}

async function main(cfg: SimConfig): Promise<SimResult> {
  const e0 = performance.now();
  if (cfg.enroll) await enroll(cfg);
  const enrollMs = performance.now() - e0;
  const relay = await DhcpRelay.open(cfg.giaddr, cfg.server);
  try {
    const t0 = performance.now();
    const deadline = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), cfg.timeoutMs).unref());
    const nodes: NodeResult[] = cfg.nodes.map((n) => ({ mac: n.mac, ok: false, error: 'dhcp: storm timed out', stages: {} }));
    await Promise.race([Promise.all(cfg.nodes.map((n, i) => bootOne(cfg, relay, n, i, t0, nodes[i]!))), deadline]);
    return { enrollMs, wallMs: performance.now() - t0, nodes };
  } finally {
    relay.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as SimConfig;
  main(cfg).then(
    (r) => {
      process.stdout.write(JSON.stringify(r) + '\n');
      process.exit(0); // leftover keep-alive sockets or timers must not hold the bench
    },
    (e: unknown) => {
      process.stderr.write(`storm-sim: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}

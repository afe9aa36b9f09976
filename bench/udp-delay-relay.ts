// A user-space delay line for UDP (no tc netem on these machines): holds every datagram `delayMs` in each
// direction. One upstream socket per client flow learns the server's per-transfer TID from its first reply.
// Usage (inside the relay namespace): udp-delay-relay.ts '{"delayMs":1,"routes":[{"listen":"10.0.1.1:69","target":"10.0.2.2:69"}]}'
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';

interface Route { listen: string; target: string }
const cfg = JSON.parse(process.argv[2] ?? '{}') as { delayMs: number; routes: Route[] };
const split = (a: string) => {
  const i = a.lastIndexOf(':');
  return { host: a.slice(0, i), port: Number(a.slice(i + 1)) };
};

/** FIFO of held datagrams: the delay is constant, so the head is always due first; one timer drains it. */
const queue: Array<{ due: number; sock: dgram.Socket; msg: Buffer; port: number; host: string }> = [];
let head = 0;
let armed = false;
function drain(): void {
  armed = false;
  const now = performance.now();
  while (head < queue.length && queue[head]!.due <= now + 0.05) {
    const q = queue[head++]!;
    q.sock.send(q.msg, q.port, q.host);
  }
  if (head > 4096) {
    queue.splice(0, head);
    head = 0;
  }
  if (head < queue.length) arm(queue[head]!.due - now);
}
function arm(ms: number): void {
  if (armed) return;
  armed = true;
  setTimeout(drain, Math.max(0, ms));
}
function hold(sock: dgram.Socket, msg: Buffer, port: number, host: string): void {
  queue.push({ due: performance.now() + cfg.delayMs, sock, msg, port, host });
  arm(cfg.delayMs);
}

let bound = 0;
for (const r of cfg.routes) {
  const listen = split(r.listen);
  const target = split(r.target);
  const front = dgram.createSocket('udp4');
  const flows = new Map<string, { up: dgram.Socket; tid: number | null }>();
  front.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let f = flows.get(key);
    if (!f) {
      const up = dgram.createSocket('udp4');
      const flow: { up: dgram.Socket; tid: number | null } = { up, tid: null };
      up.bind(0);
      up.on('message', (m, srv) => {
        flow.tid ??= srv.port;
        hold(front, m, from.port, from.address);
      });
      flows.set(key, flow);
      f = flow;
    }
    hold(f.up, msg, f.tid ?? target.port, target.host);
  });
  front.bind(listen.port, listen.host, () => {
    if (++bound === cfg.routes.length) process.stdout.write('ready\n');
  });
}

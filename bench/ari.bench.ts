// ARI daemon figures against the test ARI server: connect + subscribe + resync for N agents, busy-report latency, recovery after an outage.
import ari from 'ari-client';
import type { BenchContext, BenchRow } from './types.js';
import { TestAriServer } from '../test/ari-server/server.js';
import { Supervisor } from '../src/supervisor/supervisor.js';
import type { Node } from '../src/cluster/nodes.js';

const until = async (cond: () => boolean, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('bench timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
};

export default async function (ctx: BenchContext): Promise<BenchRow[]> {
  const n = ctx.quick ? 200 : 1000;
  const server = new TestAriServer({ user: 'u', password: 'pw' });
  const exts = Array.from({ length: n }, (_, i) => String(10000 + i));
  for (const e of exts) server.addEndpoint('PJSIP', e);
  await server.listen();
  const rows: BenchRow[] = [];
  try {
    // Floor: ari-client alone in this process (API load + WebSocket), no subscriptions.
    let t0 = performance.now();
    const c = await ari.connect(server.url, 'u', 'pw');
    await c.start('floor');
    const floor = performance.now() - t0;
    c.stop();

    let connected = 0;
    const busyAt = new Map<string, number>();
    const sup = new Supervisor({
      sink: { emit() {} },
      graceMs: 600_000,
      daemonArgv: [process.execPath, '--import', 'tsx', 'src/ari/daemon.ts'],
      credentials: async () => ({ url: server.url, user: 'u', password: 'pw' }),
      onAgentState: (_n, a, busy) => busy && busyAt.set(a, performance.now()),
      onConnected: () => void (connected += 1),
      onFailed: () => undefined,
      clientBackoff: { initialMs: 50, maxMs: 200 },
      ariRetry: { delay: 20, maxDelay: 50, maxRetries: 3 },
    });
    const node = { id: 'b1', name: 'b1', state: 'active' } as Node;
    t0 = performance.now();
    sup.watch(node, exts);
    await until(() => connected === 1);
    const start = performance.now() - t0;
    rows.push({ group: 'ari', metric: `daemon spawn → connected, ${n} agents subscribed + resynced`, unit: 'ms', pbxboot: Math.round(start), peers: { 'ari-client connect alone': Math.round(floor) }, note: 'includes node+tsx start of the daemon process' });

    const lat: number[] = [];
    for (const e of exts.slice(0, ctx.quick ? 20 : 100)) {
      const s = performance.now();
      server.startCall(`PJSIP/${e}`, 0);
      await until(() => busyAt.has(e));
      lat.push(busyAt.get(e)! - s);
    }
    lat.sort((a, b) => a - b);
    rows.push({ group: 'ari', metric: 'call start → agent busy at the supervisor (p50)', unit: 'ms', pbxboot: Number(lat[Math.floor(lat.length / 2)]!.toFixed(2)) });
    rows.push({ group: 'ari', metric: 'call start → agent busy at the supervisor (p99)', unit: 'ms', pbxboot: Number(lat[Math.floor(lat.length * 0.99)]!.toFixed(2)) });

    const outage = 1;
    t0 = performance.now();
    server.restart(outage);
    await until(() => connected === 2);
    rows.push({ group: 'ari', metric: `ARI back after a ${outage} s outage → re-subscribed + resynced (${n} agents)`, unit: 'ms', pbxboot: Math.round(performance.now() - t0 - outage * 1000), note: 'past ari-client give-up (3 fast tries here)' });
    await sup.close();
  } finally {
    await server.close();
  }
  for (const r of rows) ctx.log(`${r.metric}: ${r.pbxboot} ${r.unit}`);
  return rows;
}

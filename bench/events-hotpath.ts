// Development tool for the boot-event path (issue 9): DHCP-like events through enrichingSink → EventLog →
// EventsRepo → the SQLite writer thread on a file database, paced like a DORA storm; prints CPU µs per event for
// the main thread, the writer thread and V8's helper threads (from /proc/self/task/*/schedstat, ns precision, so
// it stays meaningful on a busy shared machine). `node --import tsx bench/events-hotpath.ts [events] [perSecond] [stormMs]`
// (perSecond 0: flat out; stormMs 20: no storm window). `--gen` runs the generator into a null sink: its cost is the baseline to subtract.
// `--no-live`: no live subscriber, as on a server nobody follows (`logs -f`, SSE), so rows are never decoded.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../src/events/bus.js';
import { enrichingSink } from '../src/events/enrich.js';
import type { EventSink } from '../src/events/event.js';
import { EventLog } from '../src/events/event-log.js';
import { EventsRepo } from '../src/store/events-repo.js';
import { migrate } from '../src/store/migrate.js';
import { openSqlite } from '../src/store/sqlite.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const genOnly = process.argv.includes('--gen');
const total = Number(args[0] ?? 200_000);
const perSecond = Number(args[1] ?? 20_000); // ≈ 5,000 DORA/s, Kea's rate
const dir = mkdtempSync(join(tmpdir(), 'pbx-ev-hot-'));
const db = openSqlite(join(dir, 'state.sqlite'));
await migrate(db, 'state');
const helpers = new Set(threads().keys());
const repo = new EventsRepo(db);
const bus = new EventBus();
let published = 0;
if (!process.argv.includes('--no-live')) bus.subscribe(() => void published++); // one live subscriber (a `logs -f`)
const stormMs = args[2] === undefined ? undefined : Number(args[2]); // the EventLog's storm window (its default when absent)
const log = new EventLog(repo, bus, { stormMs });
const sink: EventSink = genOnly ? { emit() {} } : enrichingSink(log);

// Events shaped like src/dhcp/server.ts's: a common detail per packet's facts, plus the step's own fields.
const clients = 10_000;
const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');
const macOf = (i: number) => `02:00:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
const ipOf = (i: number) => `10.1.${(i >> 8) & 255}.${i & 255}`;
let seq = 0;
function dora(): void {
  const i = seq++ % clients;
  const mac = macOf(i);
  const facts = { xid: (seq * 2654435761) >>> 0, arch: 7, firmware: 'uefi', vendorClass: 'PXEClient:Arch:00007:UNDI:003016', ipxe: false, relay: '10.1.0.1', agentInfo: false };
  const emit = (level: 'debug' | 'info', stage: string, detail: Record<string, unknown>) =>
    sink.emit({ time: Date.now(), stage, level, mac, node: i % 3 === 0 ? null : `node-${i}`, detail: Object.assign({}, facts, detail) });
  emit('debug', 'dhcp.discover', { port: 67, from: '10.1.0.1:67' });
  emit('info', 'dhcp.offer', { to: '10.1.0.1:67', ms: 0.123, ip: ipOf(i), bootfile: 'ipxe.efi' });
  emit('debug', 'dhcp.request', { port: 67, from: '10.1.0.1:67' });
  emit('info', 'dhcp.ack', { to: '10.1.0.1:67', ms: 0.456, ip: ipOf(i), bootfile: 'ipxe.efi' });
}

// Per-thread CPU: ns on CPU from schedstat. Every thread is called "node", so they are told apart by when they
// appeared: those alive before the first batch are V8's platform workers (GC, compiler) and libuv's; the writer
// thread is the one started by the first batch.
function threads(): Map<string, number> {
  return new Map(readdirSync('/proc/self/task').map((t) => [t, Number(readFileSync(`/proc/self/task/${t}/schedstat`, 'utf8').split(' ')[0])]));
}

// Warm-up: starts the writer thread and lets V8 optimise the path.
for (let k = 0; k < 2_000; k++) dora();
await log.flush();
const before = threads();
const t0 = performance.now();
const doras = total / 4;
for (let done = 0; done < doras; ) {
  const due = perSecond > 0 ? Math.min(doras, Math.floor(((performance.now() - t0) * perSecond) / 4000)) : Math.min(doras, done + 64);
  for (; done < due; done++) dora();
  await new Promise((r) => (perSecond > 0 ? setTimeout(r, 1) : setImmediate(r)));
}
await log.flush();
const wall = performance.now() - t0;
const after = threads();
const us: Record<string, number> = {};
// Threads started by the store (the writer, and any thread it starts) are listed apart, busiest first.
const started = [...after].filter(([t]) => t !== String(process.pid) && !helpers.has(t)).sort((a, b) => b[1] - (before.get(b[0]) ?? 0) - (a[1] - (before.get(a[0]) ?? 0)));
for (const [t, ns] of after) {
  const k = started.findIndex(([s]) => s === t);
  const role = t === String(process.pid) ? 'main' : helpers.has(t) ? 'helpers' : k === 0 ? 'writer' : `store${k}`;
  us[role] = (us[role] ?? 0) + (ns - (before.get(t) ?? 0)) / 1000 / total;
}
const round = (x: number) => Math.round(x * 100) / 100;
const stored = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM boot_events'))?.n;
console.log(JSON.stringify({ events: total, perSecond: Math.round((total * 1000) / wall), usPerEvent: Object.fromEntries(Object.entries(us).map(([k, v]) => [k, round(v)])), stored, published }));
await db.close();
rmSync(dir, { recursive: true, force: true });

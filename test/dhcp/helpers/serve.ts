// Child process that runs startDhcpServer inside a test network namespace (Node cannot enter one itself).
// argv[2] = JSON config; prints one JSON line per event (unless quiet) and {"ready":true}; SIGTERM closes.
import { startDhcpServer, type DhcpServerOptions } from '../../../src/dhcp/server.js';
import { SqlLeaseStore } from '../../../src/dhcp/lease-sql.js';
import { MemoryLeaseStore } from '../../../src/dhcp/leases.js';
import type { BootDirectory, BootNode } from '../../../src/dhcp/policy.js';
import { openSqlite } from '../../../src/store/sqlite.js';
import { migrate } from '../../../src/store/migrate.js';
import type { BootEventInput, EventSink } from '../../../src/events/event.js';
import { EventLog } from '../../../src/events/event-log.js';
import { EventBus } from '../../../src/events/bus.js';
import { enrichingSink } from '../../../src/events/enrich.js';
import { EventsRepo } from '../../../src/store/events-repo.js';

export interface ServeConfig extends Omit<DhcpServerOptions, 'directory' | 'sink' | 'leases'> {
  nodes: BootNode[] & { mac?: string }[];
  macs: Record<string, string>; // mac → node id
  /** every unknown MAC is admitted as an enrolled node (bench) */
  autoEnroll?: boolean;
  sqlite?: string;
  quiet?: boolean;
  /** with sqlite: every event also goes through the app's EventLog into boot_events (bench: the real cost) */
  eventLog?: boolean;
}

if (!process.argv[2]) {
  console.log('usage: serve.ts <json config> (started by lab.ts inside a namespace)');
  process.exit(0);
}
const cfg = JSON.parse(process.argv[2]) as ServeConfig;
const byId = new Map(cfg.nodes.map((n) => [n.id, n]));
const directory: BootDirectory = {
  async lookup(mac) {
    const id = cfg.macs[mac];
    return id ? byId.get(id) ?? null : null;
  },
  async discovered(mac, facts) {
    if (!cfg.quiet) console.log(JSON.stringify({ discovered: mac, arch: facts.arch, vendorClass: facts.vendorClass }));
    return cfg.autoEnroll ? { id: mac, name: mac.replace(/:/g, ''), state: 'enrolled', allowNetboot: true } : null;
  },
};
if (cfg.autoEnroll) directory.lookup = async (mac) => ({ id: mac, name: mac.replace(/:/g, ''), state: 'enrolled', allowNetboot: true });
let events = 0;
let log: EventLog | null = null;
let logged: EventSink | null = null;
// Audit of what actually went out: an ACK of an address to a second MAC is a double assignment (no releases here).
const acked = new Map<string, string>();
let conflicts = 0;
const sink = {
  emit(ev: BootEventInput) {
    events++;
    const ip = ev.stage === 'dhcp.ack' ? (ev.detail?.ip as string | undefined) : undefined;
    if (ip && ev.mac) {
      const prev = acked.get(ip);
      if (prev !== undefined && prev !== ev.mac) conflicts++;
      acked.set(ip, ev.mac);
    }
    logged?.emit(ev);
    if (!cfg.quiet) console.log(JSON.stringify({ ...ev, time: Date.now() }));
  },
};
let db = null as ReturnType<typeof openSqlite> | null;
let leases;
if (cfg.sqlite) {
  db = openSqlite(cfg.sqlite);
  await migrate(db, 'state');
  leases = new SqlLeaseStore(db);
  if (cfg.eventLog) {
    // The composition root's chain (src/app.ts): enrichingSink → EventLog → EventsRepo on the state DB.
    log = new EventLog(new EventsRepo(db), new EventBus());
    logged = enrichingSink(log);
  }
} else leases = new MemoryLeaseStore();

const srv = await startDhcpServer({ ...cfg, directory, sink, leases });
console.log(JSON.stringify({ ready: true, rss: process.memoryUsage().rss, cpu: process.cpuUsage() }));
const report = () => (globalThis.gc?.(), { cpu: process.cpuUsage(), ackConflicts: conflicts, stats: srv.stats(), bound: srv.bound().size, events, rss: process.memoryUsage().rss, heap: process.memoryUsage().heapUsed });
process.on('SIGUSR2', () => {
  const bound = srv.bound();
  const ips = new Set(bound.keys());
  console.log(JSON.stringify({ ...report(), unique: ips.size === bound.size, leases: cfg.quiet ? undefined : Object.fromEntries(bound) }));
});
process.on('SIGTERM', async () => {
  await srv.close();
  await log?.flush();
  await db?.close();
  console.log(JSON.stringify({ closed: true, ...report() }));
  process.exit(0);
});

// Child process that runs startDhcpServer inside a test network namespace (Node cannot enter one itself).
// argv[2] = JSON config; prints one JSON line per event (unless quiet) and {"ready":true}; SIGTERM closes.
import type { DhcpServerOptions } from '../../../src/dhcp/server.js';
import type { BootDirectory, BootNode } from '../../../src/dhcp/policy.js';
import type { BootEventInput, EventSink } from '../../../src/events/event.js';

// PBXBOOT_LAB_BUILD=dist (the bench): the server's modules from the compiled build, which is what `pbxboot serve`
// runs; through tsx every closure the packet path creates also gets a __name() call. Default: the sources.
const from = process.env.PBXBOOT_LAB_BUILD === 'dist' ? '../../../dist/' : '../../../src/';
const load = <T>(path: string): Promise<T> => import(from + path) as Promise<T>;
const { startDhcpServer } = await load<typeof import('../../../src/dhcp/server.js')>('dhcp/server.js');
const { SqlLeaseStore } = await load<typeof import('../../../src/dhcp/lease-sql.js')>('dhcp/lease-sql.js');
const { MemoryLeaseStore } = await load<typeof import('../../../src/dhcp/leases.js')>('dhcp/leases.js');
const { openSqlite } = await load<typeof import('../../../src/store/sqlite.js')>('store/sqlite.js');
const { migrate } = await load<typeof import('../../../src/store/migrate.js')>('store/migrate.js');
const { EventLog } = await load<typeof import('../../../src/events/event-log.js')>('events/event-log.js');
const { EventBus, StepFeed } = await load<typeof import('../../../src/events/bus.js')>('events/bus.js');
const { DashboardFeed } = await load<typeof import('../../../src/dashboard/feed.js')>('dashboard/feed.js');
const { createMetrics } = await load<typeof import('../../../src/metrics/metrics.js')>('metrics/metrics.js');
const { EventsRepo } = await load<typeof import('../../../src/store/events-repo.js')>('store/events-repo.js');
const { eventsFileFor, SQLITE_FILES } = await load<typeof import('../../../src/store/state-store.js')>('store/state-store.js');
const { netbootSink, tuneServerRuntime } = await load<typeof import('../../../src/app.js')>('app.js');

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
tuneServerRuntime(); // as `pbxboot serve` does
const byId = new Map(cfg.nodes.map((n) => [n.id, n]));
// Answers synchronously, as the app's cached directory does for a client it has seen (src/boot/directory.ts).
const directory: BootDirectory = {
  lookup(mac) {
    const id = cfg.macs[mac];
    return id ? byId.get(id) ?? null : null;
  },
  async discovered(mac, facts) {
    if (!cfg.quiet) console.log(JSON.stringify({ discovered: mac, arch: facts.arch, vendorClass: facts.vendorClass }));
    return cfg.autoEnroll ? { id: mac, name: mac.replace(/:/g, ''), state: 'enrolled', allowNetboot: true } : null;
  },
};
if (cfg.autoEnroll) {
  // One answer per MAC, kept, as the app's directory keeps them (a new object per packet was the lab's cost, not the app's).
  const enrolled = new Map<string, BootNode>();
  directory.lookup = (mac) => {
    let n = enrolled.get(mac);
    if (!n) {
      if (enrolled.size >= 100_000) enrolled.clear();
      enrolled.set(mac, (n = { id: mac, name: mac.replace(/:/g, ''), state: 'enrolled', allowNetboot: true }));
    }
    return n;
  };
}
let events = 0;
let log: InstanceType<typeof EventLog> | null = null;
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
      if (prev !== ev.mac) acked.set(ip, ev.mac); // a repeat is not stored again: the audit must not add GC work to the server it measures
    }
    logged?.emit(ev);
    if (!cfg.quiet) console.log(JSON.stringify({ ...ev, time: Date.now() }));
  },
};
let db = null as ReturnType<typeof openSqlite> | null;
let eventsDb = null as ReturnType<typeof openSqlite> | null;
let leases;
if (cfg.sqlite) {
  db = openSqlite(cfg.sqlite, SQLITE_FILES.state);
  await migrate(db, 'state');
  leases = new SqlLeaseStore(db);
  if (cfg.eventLog) {
    // The composition root's chain (src/app.ts netbootSink): enrichingSink → step feed → EventLog → EventsRepo, on the
    // netboot log's own SQLite file as the state store lays it out (state-store.ts). PBXBOOT_LAB_EVENTS_DB=shared
    // keeps it in the state DB as before (the bench's comparison of the two).
    let evDb = db;
    if (process.env.PBXBOOT_LAB_EVENTS_DB !== 'shared') {
      evDb = eventsDb = openSqlite(eventsFileFor(cfg.sqlite), SQLITE_FILES.events);
      await migrate(evDb, 'events');
    }
    log = new EventLog(new EventsRepo(evDb, { ownDb: evDb !== db }), new EventBus());
    // The step feed's subscribers as the app has them: metrics (its process collectors included) and the dashboard's
    // boot timelines. This lab has no node inventory: its scrape and snapshot (never asked for here) see none.
    const steps = new StepFeed();
    const noNodes = { list: async () => [] };
    createMetrics(noNodes, steps);
    new DashboardFeed(noNodes, steps, () => ({ agents: new Map(), calls: new Map(), busy: new Map() }));
    logged = netbootSink(log, steps);
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
  await eventsDb?.close();
  await db?.close();
  console.log(JSON.stringify({ closed: true, ...report() }));
  process.exit(0);
});

// Development tool for the DHCP hot path: the real server (SQLite leases + the app's EventLog into boot_events)
// on loopback, driven in-process by a closed-loop relay client; prints process CPU per DORA, which stays
// meaningful on a busy shared machine where rates do not. `node --import tsx bench/dhcp-hotpath.ts [seconds] [window]`
// (add --cpu-prof to profile; perThread splits the CPU between the packet loop and the SQLite writer thread). Not a *.bench.ts: `npm run bench dhcp` is the measurement of record.
import { createSocket } from 'node:dgram';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { performance as nodePerformance } from 'node:perf_hooks';
import { join } from 'node:path';
import { decodeDhcp, encodeDhcp, getOption } from '../src/dhcp/codec.js';
import { MsgType, Opt, optIp } from '../src/dhcp/options.js';
import { SqlLeaseStore } from '../src/dhcp/lease-sql.js';
import { startDhcpServer } from '../src/dhcp/server.js';
import { EventBus } from '../src/events/bus.js';
import { enrichingSink } from '../src/events/enrich.js';
import { EventLog } from '../src/events/event-log.js';
import { EventsRepo } from '../src/store/events-repo.js';
import { migrate } from '../src/store/migrate.js';
import { openSqlite } from '../src/store/sqlite.js';
import { eventsFileFor, SQLITE_FILES } from '../src/store/state-store.js';
import { request } from '../test/dhcp/helpers/loopback.js';

const seconds = Number(process.argv[2] ?? 5);
const window = Number(process.argv[3] ?? 32);
const dir = mkdtempSync(join(tmpdir(), 'pbx-dhcp-hot-'));
const db = openSqlite(join(dir, 'state.sqlite'), SQLITE_FILES.state);
await migrate(db, 'state');
// The app's layout: the netboot log in a file of its own, both files with the app's page sizes
// (src/store/state-store.ts).
const eventsDb = openSqlite(eventsFileFor(join(dir, 'state.sqlite')), SQLITE_FILES.events);
await migrate(eventsDb, 'events');
const log = new EventLog(new EventsRepo(eventsDb, { ownDb: true }), new EventBus());
const client = createSocket('udp4');
await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
const cport = client.address().port;
const S = 20_000 + (process.pid % 20_000);
const srv = await startDhcpServer({
  mode: 'server', address: '127.0.0.1', listenAddress: '127.0.0.1', httpPort: 8080,
  pools: [{ subnet: '127.0.0.0/8', range: { start: '127.1.0.0', end: '127.200.255.255' }, leaseSeconds: 3600 }],
  directory: { lookup: async (mac) => ({ id: mac, name: mac, state: 'enrolled', allowNetboot: true }), discovered: async () => null },
  leases: new SqlLeaseStore(db), sink: enrichingSink(log), ports: { server: S, client: cport, relay: cport },
});

const clients = 10_000;
const macOf = (i: number) => `02:00:00:${((i >> 16) & 255).toString(16).padStart(2, '0')}:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
let next = 0;
let done = 0;
const discover = () => {
  const i = next++ % clients;
  client.send(encodeDhcp(request({ type: MsgType.DISCOVER, mac: macOf(i), xid: i })), S, '127.0.0.1');
};
client.on('message', (buf) => {
  const m = decodeDhcp(buf);
  const type = getOption(m, Opt.messageType)?.[0];
  if (type === MsgType.OFFER) {
    const req = request({ type: MsgType.REQUEST, mac: macOf(m.xid), xid: m.xid, requested: m.yiaddr, serverId: '127.0.0.1' });
    req.options.push(optIp(Opt.serverId, '127.0.0.1'));
    client.send(encodeDhcp(req), S, '127.0.0.1');
  } else {
    done++;
    discover();
  }
});
for (let i = 0; i < window; i++) discover();
await new Promise((r) => setTimeout(r, 1000)); // warm-up
const d0 = done;
const c0 = process.cpuUsage();
const e0 = nodePerformance.eventLoopUtilization();
const mainCpuMs = () => { const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const m0 = mainCpuMs();
const threads = () => Object.fromEntries(readdirSync('/proc/self/task').map((t) => { const st = readFileSync(`/proc/self/task/${t}/stat`, 'utf8'); const f = st.split(') ')[1]!.split(' '); return [`${t}:${st.slice(st.indexOf('(') + 1, st.indexOf(')'))}`, (Number(f[11]) + Number(f[12])) * 10]; }));
const t0s = threads();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const c = process.cpuUsage(c0);
const elu = nodePerformance.eventLoopUtilization(e0);
const n = done - d0;
const wall = (performance.now() - t0) / 1000;
const t1s = threads();
const perThread = Object.fromEntries(Object.entries(t1s).map(([k, v]) => [k, Math.round((1000 * (v - (t0s[k] ?? 0))) / n)]).filter(([, v]) => Number(v) > 0));
console.log(JSON.stringify({ perThread, dora: n, perSecond: Math.round(n / wall), cpuUsPerDora: Math.round((c.user + c.system) / n), userUs: Math.round(c.user / n), sysUs: Math.round(c.system / n), mainThreadUsPerDora: Math.round((1000 * (mainCpuMs() - m0)) / n), mainBusyUsPerDora: Math.round((1000 * elu.active) / n) }));
client.close();
await srv.close();
await log.flush();
await eventsDb.close();
await db.close();
rmSync(dir, { recursive: true, force: true });

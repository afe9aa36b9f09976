// Child for the writer-thread crash test: a DHCP server on loopback with SQLite leases and the app's event log.
// argv[2] = SQLite file, argv[3] = the test client's port (it poses as the relay); prints {"port":N} when ready; the test kills it with SIGKILL.
import { SqlLeaseStore } from '../../../src/dhcp/lease-sql.js';
import { startDhcpServer } from '../../../src/dhcp/server.js';
import { EventBus } from '../../../src/events/bus.js';
import { enrichingSink } from '../../../src/events/enrich.js';
import { EventLog } from '../../../src/events/event-log.js';
import { EventsRepo } from '../../../src/store/events-repo.js';
import { migrate } from '../../../src/store/migrate.js';
import { openSqlite } from '../../../src/store/sqlite.js';

if (!process.argv[2]) {
  console.log('usage: dhcp-crash-child.ts <sqlite file> <client port> (started by sqlite-writer.test.ts)');
  process.exit(0);
}
const db = openSqlite(process.argv[2]);
await migrate(db, 'state');
const port = 20_000 + (process.pid % 20_000);
await startDhcpServer({
  mode: 'server', address: '127.0.0.1', listenAddress: '127.0.0.1', httpPort: 8080,
  pools: [{ subnet: '127.0.0.0/8', range: { start: '127.1.0.0', end: '127.1.255.255' }, leaseSeconds: 3600 }],
  directory: { lookup: async (mac) => ({ id: mac, name: mac, state: 'enrolled', allowNetboot: true }), discovered: async () => null },
  leases: new SqlLeaseStore(db), sink: enrichingSink(new EventLog(new EventsRepo(db), new EventBus())),
  ports: { server: port, client: Number(process.argv[3]), relay: Number(process.argv[3]) },
});
console.log(JSON.stringify({ port }));

// DHCP leases are read whole at start and written by address; nothing looks one up by MAC. The MAC index cost every
// lease upsert (each ACK's) a delete and an insert on a random index page, written to the WAL at each commit:
// ≈ 13 against ≈ 5 µs of CPU per upsert on the event loop (24 a commit, 10,000 clients, 2 KiB pages:
// bench/sqlite-pages.ts's lease workload with and without it).
import type { Migration } from '../../sql.js';

const sql = 'DROP INDEX IF EXISTS dhcp_leases_mac;';

const migration: Migration = { id: 6, name: 'dhcp-leases-no-mac-index', sql: { sqlite: sql, postgres: sql } };
export default migration;

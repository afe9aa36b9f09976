// LeaseStore contract on both state databases (SQLite and a throwaway PostgreSQL), migration 002 included.
import { forEachDb } from '../helpers/stores.js';
import { migrate } from '../../src/store/migrate.js';
import { SqlLeaseStore } from '../../src/dhcp/lease-sql.js';
import { MemoryLeaseStore, type Lease, type LeaseStore } from '../../src/dhcp/leases.js';
import t, { type Test } from 'tap';

const lease = (ip: string, mac: string, extra: Partial<Lease> = {}): Lease => ({
  ip, mac, state: 'bound', expiresAt: 1_800_000_000_000, clientId: null, hostname: null, updatedAt: 1_700_000_000_000, ...extra,
});

async function contract(t: Test, store: LeaseStore): Promise<void> {
  t.same(await store.all(), []);
  await store.put(lease('10.0.0.10', '02:00:00:00:00:01', { clientId: '01020000000001', hostname: 'n1' }));
  await store.putMany([lease('10.0.0.11', '02:00:00:00:00:02'), lease('10.0.0.12', '02:00:00:00:00:03')]);
  await store.put(lease('10.0.0.11', '02:00:00:00:00:02', { state: 'released', expiresAt: 5 }));
  await store.put(lease('10.0.0.12', '', { state: 'declined' }));
  const all = (await store.all()).sort((a, b) => a.ip.localeCompare(b.ip));
  t.same(all, [
    lease('10.0.0.10', '02:00:00:00:00:01', { clientId: '01020000000001', hostname: 'n1' }),
    lease('10.0.0.11', '02:00:00:00:00:02', { state: 'released', expiresAt: 5 }),
    lease('10.0.0.12', '', { state: 'declined' }),
  ], 'one row per address, replaced in place');
  await store.remove('10.0.0.10');
  t.equal((await store.all()).length, 2);
  await store.putMany(Array.from({ length: 500 }, (_, i) => lease(`10.1.${i >> 8}.${i & 255}`, `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`)));
  t.equal((await store.all()).length, 502, 'a batch of 500 in one transaction');
}

forEachDb('SqlLeaseStore', async (t, f) => {
  const db = await f.open();
  t.ok((await migrate(db, 'state')).includes(2), 'migration 002-dhcp-leases applied');
  await contract(t, new SqlLeaseStore(db));
  // Migration 006: the table keeps only its key's index (leases are read whole and written by address).
  const indexes =
    f.kind === 'sqlite'
      ? await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'dhcp_leases'")
      : await db.all<{ name: string }>("SELECT indexname AS name FROM pg_indexes WHERE tablename = 'dhcp_leases'");
  t.same(indexes.map((i) => i.name), [f.kind === 'sqlite' ? 'sqlite_autoindex_dhcp_leases_1' : 'dhcp_leases_pkey'], 'no index but the primary key');
});
t.test('MemoryLeaseStore', async (t) => contract(t, new MemoryLeaseStore()));

// LeaseStore on the state DB (SQLite or PostgreSQL through SqlDb); table from migration 002-dhcp-leases.
import type { SqlDb } from '../store/sql.js';
import type { Lease, LeaseState, LeaseStore } from './leases.js';

interface LeaseRow {
  ip: string;
  mac: string;
  state: string;
  expires_at: number | string;
  client_id: string | null;
  hostname: string | null;
  updated_at: number | string;
}

const UPSERT =
  'INSERT INTO dhcp_leases (ip, mac, state, expires_at, client_id, hostname, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
  'ON CONFLICT (ip) DO UPDATE SET mac = excluded.mac, state = excluded.state, expires_at = excluded.expires_at, ' +
  'client_id = excluded.client_id, hostname = excluded.hostname, updated_at = excluded.updated_at';

const params = (l: Lease) => [l.ip, l.mac, l.state, l.expiresAt, l.clientId, l.hostname, l.updatedAt] as const;

export class SqlLeaseStore implements LeaseStore {
  constructor(private readonly db: SqlDb) {}

  async all(): Promise<Lease[]> {
    const rows = await this.db.all<LeaseRow>('SELECT ip, mac, state, expires_at, client_id, hostname, updated_at FROM dhcp_leases');
    return rows.map((r) => ({
      ip: r.ip,
      mac: r.mac,
      state: r.state as LeaseState,
      expiresAt: Number(r.expires_at),
      clientId: r.client_id,
      hostname: r.hostname,
      updatedAt: Number(r.updated_at),
    }));
  }

  async put(lease: Lease): Promise<void> {
    await this.db.run(UPSERT, params(lease));
  }

  async putMany(leases: readonly Lease[]): Promise<void> {
    if (leases.length === 0) return;
    if (leases.length === 1) return this.put(leases[0]!);
    await this.db.tx(async (tx) => {
      for (const l of leases) await tx.run(UPSERT, params(l));
    });
  }

  async remove(ip: string): Promise<void> {
    await this.db.run('DELETE FROM dhcp_leases WHERE ip = ?', [ip]);
  }
}

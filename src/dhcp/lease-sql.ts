// LeaseStore on the state DB (SQLite or PostgreSQL through SqlDb); table from migration 002-dhcp-leases.
import { fixedChunks, valuesList, type SqlDb } from '../store/sql.js';
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

const upsert = (rows: number): string =>
  'INSERT INTO dhcp_leases (ip, mac, state, expires_at, client_id, hostname, updated_at) VALUES ' +
  valuesList(rows, 7) +
  ' ON CONFLICT (ip) DO UPDATE SET mac = excluded.mac, state = excluded.state, expires_at = excluded.expires_at, ' +
  'client_id = excluded.client_id, hostname = excluded.hostname, updated_at = excluded.updated_at';

// A group commit writes its rows with a few multi-row statements: chunk sizes are fixed so the adapters'
// prepared-statement caches hold at most four texts (a batch of 7 is 4 + 1 + 1 + 1 rows).
const CHUNKS = [64, 16, 4, 1] as const;
const UPSERT = new Map<number, string>(CHUNKS.map((n) => [n, upsert(n)]));

const params = (l: Lease) => [l.ip, l.mac, l.state, l.expiresAt, l.clientId, l.hostname, l.updatedAt] as const;

/** The batch as [statement, params] pairs; a later row for the same ip wins (PostgreSQL refuses one ip twice in a statement). */
function statements(leases: readonly Lease[]): [string, (string | number | null)[]][] {
  const last = new Map<string, Lease>();
  for (const l of leases) last.set(l.ip, l);
  const rows = [...last.values()];
  return fixedChunks(rows.length, CHUNKS).map(({ start, size }) => {
    const p: (string | number | null)[] = [];
    for (let j = start; j < start + size; j++) p.push(...params(rows[j]!));
    return [UPSERT.get(size)!, p];
  });
}

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
    await this.db.run(UPSERT.get(1)!, params(lease));
  }

  async putMany(leases: readonly Lease[]): Promise<void> {
    const list = statements(leases);
    // One batch, urgent: ACKs wait for it, so on an SQLite file it commits at once on the store's own connection.
    if (list.length > 0) await this.db.batch(list, { urgent: true });
  }

  async remove(ip: string): Promise<void> {
    await this.db.run('DELETE FROM dhcp_leases WHERE ip = ?', [ip]);
  }
}

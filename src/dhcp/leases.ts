// Leases as persisted in the state DB, the LeaseStore contract, and an in-memory store (tests, proxy mode).

export type LeaseState = 'bound' | 'released' | 'declined';

export interface Lease {
  ip: string;
  /** owner; '' for a declined address nobody owns */
  mac: string;
  state: LeaseState;
  /** epoch ms; a bound lease past this is free again, a declined one leaves quarantine */
  expiresAt: number;
  clientId: string | null;
  hostname: string | null;
  updatedAt: number;
}

/** Where the server keeps leases so a restart hands no address out twice. One row per IP. */
export interface LeaseStore {
  all(): Promise<Lease[]>;
  /** Insert or replace the row for lease.ip. */
  put(lease: Lease): Promise<void>;
  /** Several puts in one transaction (the server batches ACKs that arrive together). */
  putMany(leases: readonly Lease[]): Promise<void>;
  remove(ip: string): Promise<void>;
}

export class MemoryLeaseStore implements LeaseStore {
  private readonly rows = new Map<string, Lease>();
  async all(): Promise<Lease[]> {
    return [...this.rows.values()].map((l) => ({ ...l }));
  }
  async put(lease: Lease): Promise<void> {
    this.rows.set(lease.ip, { ...lease });
  }
  async putMany(leases: readonly Lease[]): Promise<void> {
    for (const l of leases) this.rows.set(l.ip, { ...l });
  }
  async remove(ip: string): Promise<void> {
    this.rows.delete(ip);
  }
}

// The authoritative in-memory lease table: one entry per IP, so one address can never belong to two clients.
// Pure (clock injected); the server persists what bind/decline/release return before it answers.
import type { Lease } from './leases.js';
import { inSubnet, intToIp, ipToInt, type Pool } from './pool.js';

type EntryState = 'offered' | Lease['state'];

interface Entry {
  ip: number;
  mac: string;
  state: EntryState;
  expiresAt: number;
  clientId: string | null;
  hostname: string | null;
}

export type Ownership = 'self' | 'other' | 'free' | 'outside';

export interface AddressView {
  pool: Pool;
  /** the address this client holds or is reserved in this pool */
  current: string | null;
  /** the address to offer now (current, else requested when free, else the next free one); null = exhausted */
  proposal: string | null;
  owner(ip: string): Ownership;
}

export interface LeaseTableOptions {
  now: () => number;
  /** how long an offer holds its address without a REQUEST (RFC 2131 §4.3.1 leaves it to the server) */
  offerHoldMs?: number;
  /** quarantine for a DECLINEd address (RFC 2131 §4.3.3: mark it unavailable) */
  declineHoldMs?: number;
  /** addresses never handed out (the server's own, routers) */
  exclude?: readonly string[];
}

export class LeaseTable {
  private readonly byIp = new Map<number, Entry>();
  /** pool id → mac → entry: a map per pool, so a lookup hashes the packet's own MAC string (V8 caches a string's
   *  hash) instead of building and hashing a "pool|mac" key three times a DORA */
  private readonly byMac = new Map<string, Map<string, Entry>>();
  private readonly reservedIp = new Map<number, string>(); // ip → mac
  private readonly reservedMac = new Map<string, number>(); // mac → ip
  private readonly cursor = new Map<string, number>();
  /** pool id → time a full scan found nothing; a storm against a full pool must not scan it per packet */
  private readonly fullAt = new Map<string, number>();
  private readonly excluded: Set<number>;
  private readonly offerHoldMs: number;
  private readonly declineHoldMs: number;

  constructor(private readonly pools: readonly Pool[], private readonly opts: LeaseTableOptions) {
    this.offerHoldMs = opts.offerHoldMs ?? 60_000;
    this.declineHoldMs = opts.declineHoldMs ?? 600_000;
    this.excluded = new Set((opts.exclude ?? []).map(ipToInt));
    for (const p of pools) if (p.router) this.excluded.add(ipToInt(p.router));
  }

  private poolOf(ip: number): Pool | null {
    for (const p of this.pools) if (inSubnet(p, ip)) return p;
    return null;
  }

  private macs(pool: Pool): Map<string, Entry> {
    let m = this.byMac.get(pool.id);
    if (!m) this.byMac.set(pool.id, (m = new Map()));
    return m;
  }

  private set(e: Entry): void {
    const pool = this.poolOf(e.ip);
    const old = this.byIp.get(e.ip);
    const macs = pool ? this.macs(pool) : null;
    if (old && old.mac && macs && macs.get(old.mac) === old) macs.delete(old.mac);
    this.byIp.set(e.ip, e);
    if (macs && e.mac) {
      const prev = macs.get(e.mac);
      if (prev && prev !== e && prev.ip !== e.ip) this.byIp.delete(prev.ip); // a client holds one address per pool
      macs.set(e.mac, e);
    }
  }

  /** Loads persisted leases (at start). */
  load(leases: readonly Lease[]): void {
    for (const l of leases) {
      const ip = ipToInt(l.ip);
      if (!Number.isNaN(ip)) this.set({ ip, mac: l.mac, state: l.state, expiresAt: l.expiresAt, clientId: l.clientId, hostname: l.hostname });
    }
  }

  /** Per-node fixed addresses (DESIGN §3 "per-node reservations"); replaces the previous set. */
  setReservations(list: readonly { mac: string; ip: string }[]): void {
    this.reservedIp.clear();
    this.reservedMac.clear();
    for (const r of list) {
      const ip = ipToInt(r.ip);
      if (Number.isNaN(ip)) continue;
      this.reservedIp.set(ip, r.mac);
      this.reservedMac.set(r.mac, ip);
    }
  }

  /** One node's fixed address, as its lookup reports it (kept until the next setReservations). */
  reserve(mac: string, ip: string): void {
    const n = ipToInt(ip);
    if (Number.isNaN(n) || this.reservedMac.get(mac) === n) return;
    const old = this.reservedMac.get(mac);
    if (old !== undefined) this.reservedIp.delete(old);
    this.reservedIp.set(n, mac);
    this.reservedMac.set(mac, n);
  }

  private live(e: Entry | undefined, now: number): boolean {
    return e !== undefined && e.expiresAt > now;
  }

  ownership(pool: Pool, mac: string, ip: string): Ownership {
    const n = ipToInt(ip);
    if (Number.isNaN(n) || !inSubnet(pool, n)) return 'outside';
    const res = this.reservedIp.get(n);
    if (res !== undefined && res !== mac) return 'other';
    if (this.excluded.has(n) || n === pool.network || n === ((pool.network | ~pool.mask) >>> 0)) return 'other';
    const e = this.byIp.get(n);
    if (!this.live(e, this.opts.now())) return res === mac || (n >= pool.start && n <= pool.end) ? 'free' : 'outside';
    if (e!.state === 'declined') return 'other';
    return e!.mac === mac ? 'self' : 'other';
  }

  private usable(pool: Pool, mac: string, n: number, now: number): boolean {
    if (this.excluded.has(n) || n === pool.network || n === ((pool.network | ~pool.mask) >>> 0)) return false;
    const res = this.reservedIp.get(n);
    if (res !== undefined && res !== mac) return false;
    const e = this.byIp.get(n);
    return !this.live(e, now) || (e!.mac === mac && e!.state !== 'declined');
  }

  view(pool: Pool, mac: string, requested: string | null): AddressView {
    const now = this.opts.now();
    const owner = (ip: string): Ownership => this.ownership(pool, mac, ip);
    let current: string | null = null;
    const r = this.reservedMac.get(mac);
    if (r !== undefined && inSubnet(pool, r)) current = intToIp(r);
    else {
      const e = this.byMac.get(pool.id)?.get(mac);
      if (e && e.state !== 'declined' && (this.live(e, now) || this.usable(pool, mac, e.ip, now))) current = intToIp(e.ip);
    }
    let proposal: string | null = null;
    if (current !== null) proposal = this.usable(pool, mac, ipToInt(current), now) ? current : null;
    else if (requested !== null && owner(requested) !== 'outside' && owner(requested) !== 'other' && this.inRange(pool, requested)) proposal = requested;
    else proposal = this.nextFree(pool, mac, now);
    return { pool, current, proposal, owner };
  }

  private inRange(pool: Pool, ip: string): boolean {
    const n = ipToInt(ip);
    return n >= pool.start && n <= pool.end;
  }

  private nextFree(pool: Pool, mac: string, now: number): string | null {
    const full = this.fullAt.get(pool.id);
    if (full !== undefined && now - full < 1000) return null;
    const size = pool.end - pool.start + 1;
    let at = this.cursor.get(pool.id) ?? pool.start;
    for (let i = 0; i < size; i++, at = at >= pool.end ? pool.start : at + 1) {
      if (this.usable(pool, mac, at, now)) {
        this.cursor.set(pool.id, at >= pool.end ? pool.start : at + 1);
        this.fullAt.delete(pool.id);
        return intToIp(at);
      }
    }
    this.fullAt.set(pool.id, now);
    return null;
  }

  /** Holds `ip` for `mac` while the client decides (in memory only). */
  offer(mac: string, ip: string): void {
    const n = ipToInt(ip);
    const e = this.byIp.get(n);
    if (e && e.mac === mac && e.state === 'bound' && this.live(e, this.opts.now())) return;
    this.set({ ip: n, mac, state: 'offered', expiresAt: this.opts.now() + this.offerHoldMs, clientId: null, hostname: null });
  }

  /** The client chose another server: give the held address back. */
  forgetOffer(pool: Pool, mac: string): void {
    const macs = this.byMac.get(pool.id);
    const e = macs?.get(mac);
    if (e && e.state === 'offered') {
      this.fullAt.clear();
      this.byIp.delete(e.ip);
      macs!.delete(mac);
    }
  }

  bind(mac: string, ip: string, leaseSeconds: number, info: { clientId?: string | null; hostname?: string | null } = {}): Lease {
    const now = this.opts.now();
    const n = ipToInt(ip);
    const expiresAt = now + leaseSeconds * 1000;
    const held = this.byIp.get(n);
    // A renewal (or the REQUEST after our OFFER) updates the client's entry in place: entries live for seconds,
    // so a new one per ACK was garbage the old generation collected (≈ 1 MB/s at 8,000 DORA/s, and a major GC
    // pause every few seconds).
    if (held && held.mac === mac && held.state !== 'declined' && this.byMac.get(this.poolOf(n)?.id ?? '')?.get(mac) === held) {
      held.state = 'bound';
      held.expiresAt = expiresAt;
      held.clientId = info.clientId ?? null;
      held.hostname = info.hostname ?? null;
      return this.toLease(held, now);
    }
    const e: Entry = { ip: n, mac, state: 'bound', expiresAt, clientId: info.clientId ?? null, hostname: info.hostname ?? null };
    this.set(e);
    return this.toLease(e, now);
  }

  /** RFC 2131 §4.3.3: the client found the address in use; nobody gets it for a while. */
  decline(ip: string): Lease {
    const now = this.opts.now();
    const e: Entry = { ip: ipToInt(ip), mac: '', state: 'declined', expiresAt: now + this.declineHoldMs, clientId: null, hostname: null };
    this.set(e);
    return this.toLease(e, now);
  }

  /** RFC 2131 §4.3.4: the address is free again; the row keeps the MAC so the client tends to get it back. */
  release(mac: string, ip: string): Lease | null {
    const n = ipToInt(ip);
    const e = this.byIp.get(n);
    if (!e || e.mac !== mac) return null;
    const now = this.opts.now();
    e.state = 'released';
    e.expiresAt = now;
    this.fullAt.clear();
    return this.toLease(e, now);
  }

  private toLease(e: Entry, now: number): Lease {
    return { ip: intToIp(e.ip), mac: e.mac, state: e.state === 'offered' ? 'bound' : e.state, expiresAt: e.expiresAt, clientId: e.clientId, hostname: e.hostname, updatedAt: now };
  }

  /** Live bound leases: ip → mac (uniqueness checks, metrics). */
  bound(): Map<string, string> {
    const now = this.opts.now();
    const out = new Map<string, string>();
    for (const e of this.byIp.values()) if (e.state === 'bound' && e.expiresAt > now) out.set(intToIp(e.ip), e.mac);
    return out;
  }

  get size(): number {
    return this.byIp.size;
  }
}

// Address pools (one per subnet) and IPv4 arithmetic; a relayed request's pool is the one whose subnet holds giaddr (RFC 2131 §4.3.1).
import { PbxbootError } from '../errors.js';

export interface PoolConfig {
  /** "10.77.0.0/24" */
  subnet: string;
  /** first and last address handed out, inclusive */
  range: { start: string; end: string };
  router?: string;
  dns?: string[];
  leaseSeconds?: number;
}

export interface Pool {
  id: string; // the subnet text
  network: number;
  prefix: number;
  mask: number;
  start: number;
  end: number;
  router: string | null;
  dns: string[];
  leaseSeconds: number;
}

/** Dotted quad → uint32, NaN when malformed. Hand-rolled: it runs several times per packet. */
export function ipToInt(ip: string): number {
  let n = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return NaN;
      n = n * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = part * 10 + (c - 48);
      digits++;
      if (part > 255) return NaN;
    } else return NaN;
  }
  if (dots !== 3 || digits === 0) return NaN;
  return n * 256 + part;
}

export const intToIp = (n: number): string => `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
export const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

function bad(key: string, value: unknown, why: string): PbxbootError {
  return new PbxbootError('E_CONFIG', `dhcp.pools: ${key} "${String(value)}" ${why}`, { value });
}

export function parsePool(c: PoolConfig, defaultLeaseSeconds = 3600): Pool {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(c.subnet);
  const net = m ? ipToInt(m[1]!) : NaN;
  const prefix = m ? Number(m[2]) : NaN;
  if (!m || Number.isNaN(net) || prefix > 30) throw bad('subnet', c.subnet, 'is not a.b.c.d/prefix (prefix ≤ 30)');
  const mask = maskOf(prefix);
  const network = (net & mask) >>> 0;
  const start = ipToInt(c.range.start);
  const end = ipToInt(c.range.end);
  for (const [k, v, n] of [['range.start', c.range.start, start], ['range.end', c.range.end, end]] as const) {
    if (Number.isNaN(n) || ((n & mask) >>> 0) !== network) throw bad(k, v, `is not inside ${c.subnet}`);
  }
  if (start > end) throw bad('range', `${c.range.start}-${c.range.end}`, 'starts after it ends');
  const lease = c.leaseSeconds ?? defaultLeaseSeconds;
  if (!Number.isInteger(lease) || lease < 60) throw bad('leaseSeconds', lease, 'must be an integer ≥ 60');
  return { id: c.subnet, network, prefix, mask, start, end, router: c.router ?? null, dns: c.dns ?? [], leaseSeconds: lease };
}

export const inSubnet = (p: Pool, ip: number): boolean => ((ip & p.mask) >>> 0) === p.network;

/** The pool whose subnet contains `ip` (giaddr for relayed requests, the interface address otherwise). */
export function poolFor(pools: readonly Pool[], ip: string): Pool | null {
  const n = ipToInt(ip);
  if (Number.isNaN(n)) return null;
  for (const p of pools) if (inSubnet(p, n)) return p;
  return null;
}

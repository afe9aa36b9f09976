// Boot token policy (pure): what a presented token may do. A boot token is
// single-use for the bundle, expires, and is bound to the IP that fetched the
// iPXE script (the node's lease); a node token authorises events and polls.
export type TokenKind = 'boot' | 'node';

export interface TokenRecord {
  nodeId: string;
  kind: TokenKind;
  ip: string | null;
  expiresAt: number;
  usedAt: number | null;
}

export type TokenUse = 'bundle' | 'events';

export type TokenVerdict = { ok: true; spend: boolean; kind: TokenKind } | { ok: false; status: 401 | 403 | 410; reason: string };

export const bootTokenTtlMs = 15 * 60_000;
export const nodeTokenTtlMs = 365 * 86_400_000;

export function judgeToken(rec: TokenRecord | null, nodeId: string, use: TokenUse, ip: string | null, now: number): TokenVerdict {
  if (!rec || rec.nodeId !== nodeId) return { ok: false, status: 401, reason: 'unknown token' };
  if (now > rec.expiresAt) return { ok: false, status: 410, reason: 'token expired' };
  if (rec.kind === 'boot') {
    if (rec.ip && ip && rec.ip !== ip) return { ok: false, status: 403, reason: `token issued to ${rec.ip}, presented from ${ip}` };
    if (use === 'bundle') {
      if (rec.usedAt !== null) return { ok: false, status: 410, reason: 'boot token already used' };
      return { ok: true, spend: true, kind: 'boot' };
    }
    // Stage events (agent.start, net.up, bundle.fetched) may come with the boot
    // token, even just after it was spent; `ready` needs the node token.
    return { ok: true, spend: false, kind: 'boot' };
  }
  return { ok: true, spend: false, kind: 'node' };
}

/** The first characters of a token, for logs: tokens are never logged in full. */
export const tokenHint = (token: string): string => `${token.slice(0, 6)}…`;

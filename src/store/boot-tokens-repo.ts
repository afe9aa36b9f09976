// Boot and node tokens on SqlDb: only a hash is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { TokenKind, TokenRecord } from '../boot/token-policy.js';
import type { SqlDb } from './sql.js';

const hash = (t: string): string => createHash('sha256').update(t).digest('hex');

export class BootTokensRepo {
  constructor(private readonly db: SqlDb) {}

  /** Issues a new token; a node's older tokens of the same kind stop working. */
  async issue(nodeId: string, kind: TokenKind, ttlMs: number, ip: string | null, now = Date.now()): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.db.tx(async (tx) => {
      await tx.run('DELETE FROM boot_tokens WHERE node_id = ? AND kind = ?', [nodeId, kind]);
      await tx.run('INSERT INTO boot_tokens (token_hash, node_id, kind, ip, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
        hash(token), nodeId, kind, ip, now, now + ttlMs,
      ]);
    });
    return token;
  }

  async find(token: string): Promise<TokenRecord | null> {
    const r = await this.db.get<{ node_id: string; kind: TokenKind; ip: string | null; expires_at: number; used_at: number | null }>(
      'SELECT node_id, kind, ip, expires_at, used_at FROM boot_tokens WHERE token_hash = ?',
      [hash(token)],
    );
    return r ? { nodeId: r.node_id, kind: r.kind, ip: r.ip, expiresAt: Number(r.expires_at), usedAt: r.used_at === null ? null : Number(r.used_at) } : null;
  }

  /** Marks a one-time token used; false when someone else spent it first. */
  async spend(token: string, now = Date.now()): Promise<boolean> {
    return (await this.db.run('UPDATE boot_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL', [now, hash(token)])).changes === 1;
  }
}

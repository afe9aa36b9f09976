// API tokens: an admin token generated into the data dir on first start (0600),
// and a read-only one for wall-TV dashboards. Compared in constant time.
import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenKind } from './router.js';

export const tokenFiles: Record<TokenKind, string> = { admin: 'api-token', read: 'dashboard-token' };

function ensureToken(dataDir: string, kind: TokenKind): string {
  const path = join(dataDir, tokenFiles[kind]);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const token = `pbx_${kind}_${randomBytes(24).toString('base64url')}`;
  writeFileSync(path, token + '\n', { mode: 0o600, flag: 'wx' });
  return token;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Loads (creating on first start) both tokens and returns the checker. */
export function loadTokens(dataDir: string): { authenticate: (t: string) => TokenKind | null; admin: string; read: string } {
  const admin = ensureToken(dataDir, 'admin');
  const read = ensureToken(dataDir, 'read');
  const known: [Buffer, TokenKind][] = [
    [digest(admin), 'admin'],
    [digest(read), 'read'],
  ];
  return {
    admin,
    read,
    authenticate(token: string) {
      if (!token) return null;
      const d = digest(token);
      for (const [k, kind] of known) if (timingSafeEqual(k, d)) return kind;
      return null;
    },
  };
}

/** Reads the admin token for the CLI (no creation). */
export function readAdminToken(dataDir: string): string | null {
  const path = join(dataDir, tokenFiles.admin);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : null;
}

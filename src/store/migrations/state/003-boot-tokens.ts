// Boot tokens: a one-time token per boot (in the iPXE script, spent on the
// bundle) and a node token (in the bundle's MANIFEST, for events and polls).
import type { Migration } from '../../sql.js';

const sql = `
CREATE TABLE boot_tokens (
  token_hash TEXT PRIMARY KEY,
  node_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  ip TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX boot_tokens_node ON boot_tokens(node_id, kind);
`;

const migration: Migration = { id: 3, name: 'boot-tokens', sql };
export default migration;

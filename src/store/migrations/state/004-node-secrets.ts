// Per-node secrets: the ARI password each node's daemon logs in with. Kept in
// the state DB (pbxboot's own), never in the PBX DB that every node can read;
// nodes get only its crypt hash in ari.conf.
import type { Migration } from '../../sql.js';

const migration: Migration = {
  id: 4,
  name: 'node-secrets',
  sql: `
CREATE TABLE node_secrets (
  node_id TEXT PRIMARY KEY,
  ari_user TEXT NOT NULL,
  ari_password TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
`,
};
export default migration;

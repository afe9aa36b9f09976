// State DB: DHCP leases (server mode), one row per address so no address can be stored for two clients.
import type { Migration } from '../../sql.js';

const sql = `
CREATE TABLE dhcp_leases (
  ip TEXT PRIMARY KEY,
  mac TEXT NOT NULL,
  state TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  client_id TEXT,
  hostname TEXT,
  updated_at BIGINT NOT NULL
);
CREATE INDEX dhcp_leases_mac ON dhcp_leases(mac);
`;

const migration: Migration = { id: 2, name: 'dhcp-leases', sql: { sqlite: sql, postgres: sql } };
export default migration;

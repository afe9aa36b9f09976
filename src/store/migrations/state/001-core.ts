// State DB core schema: nodes inventory, the netboot log, API tokens, settings.
import type { Migration } from '../../sql.js';

const common = `
CREATE TABLE nodes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  ip TEXT,
  tenant TEXT NOT NULL,
  weight REAL NOT NULL DEFAULT 1,
  state TEXT NOT NULL,
  reason TEXT,
  profile TEXT NOT NULL DEFAULT 'default',
  cordoned INTEGER NOT NULL DEFAULT 0,
  allow_netboot INTEGER NOT NULL DEFAULT 1,
  boot_once INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_boot_at BIGINT
);
CREATE TABLE node_macs (
  mac TEXT PRIMARY KEY,
  node_id TEXT NOT NULL REFERENCES nodes(id) ON DELETE CASCADE
);
CREATE INDEX node_macs_node ON node_macs(node_id);
CREATE TABLE api_tokens (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  label TEXT,
  created_at BIGINT NOT NULL
);
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/** The netboot log's table; also created by the SQLite netboot log file's own migration (migrations/events). */
export const bootEventsDdl = (idCol: string) => `
CREATE TABLE boot_events (
  id ${idCol},
  time BIGINT NOT NULL,
  mac TEXT,
  node TEXT,
  stage TEXT NOT NULL,
  level TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX boot_events_time ON boot_events(time);
CREATE INDEX boot_events_node ON boot_events(node, id);
CREATE INDEX boot_events_mac ON boot_events(mac, id);
`;

const migration: Migration = {
  id: 1,
  name: 'core',
  sql: {
    sqlite: common + bootEventsDdl('INTEGER PRIMARY KEY AUTOINCREMENT'),
    postgres: common + bootEventsDdl('BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY'),
  },
};
export default migration;

// PBX DB: the cluster's own tables beside Asterisk's — nodes, agents, the
// agent→node routing view for the SIP proxy, and OpenSIPS's dispatcher table.
import type { Migration } from '../../sql.js';

// Agents own their ps_* rows by id (endpoint = aor = auth = agent id); a node's
// views join on agents.node_id, so moving an agent is one UPDATE and ps_* keep
// exactly Asterisk's columns.
const common = `
CREATE TABLE pbx_nodes (
  id VARCHAR(255) PRIMARY KEY,
  name TEXT NOT NULL,
  tenant TEXT NOT NULL,
  address TEXT NOT NULL,
  sip_port INTEGER NOT NULL,
  ari_url TEXT NOT NULL,
  ari_user TEXT NOT NULL,
  capacity REAL NOT NULL DEFAULT 1,
  state TEXT NOT NULL,
  systemname TEXT NOT NULL UNIQUE,
  entityid TEXT NOT NULL UNIQUE,
  view_prefix TEXT NOT NULL UNIQUE,
  registered_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE agents (
  id VARCHAR(255) PRIMARY KEY,
  extension TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  tenant TEXT NOT NULL,
  department TEXT NOT NULL DEFAULT '',
  node_id VARCHAR(255),
  pinned_node_id VARCHAR(255),
  secret TEXT NOT NULL,
  UNIQUE (tenant, extension)
);
CREATE INDEX agents_node ON agents (node_id);
CREATE VIEW agent_routes AS
  SELECT a.id AS agent_id, a.extension, a.tenant, a.node_id, n.address, n.sip_port,
         'sip:' || n.address || ':' || n.sip_port AS destination, n.state AS node_state
  FROM agents a JOIN pbx_nodes n ON n.id = a.node_id;
`;

// OpenSIPS 3.x dispatcher, table version 9: state 0 active, 1 inactive, 2 probing;
// probe_mode 1 = always send OPTIONS probes. OpenSIPS refuses a table whose row
// in \`version\` is missing or different, so the row is written here too.
const dispatcher = {
  sqlite: `
CREATE TABLE IF NOT EXISTS version (
  table_name VARCHAR(32) NOT NULL UNIQUE,
  table_version INTEGER DEFAULT 0 NOT NULL
);
CREATE TABLE dispatcher (
  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  setid INTEGER DEFAULT 0 NOT NULL,
  destination VARCHAR(192) DEFAULT '' NOT NULL,
  socket VARCHAR(128) DEFAULT NULL,
  state INTEGER DEFAULT 0 NOT NULL,
  probe_mode INTEGER DEFAULT 0 NOT NULL,
  weight VARCHAR(64) DEFAULT '1' NOT NULL,
  priority INTEGER DEFAULT 0 NOT NULL,
  attrs VARCHAR(128) DEFAULT NULL,
  description VARCHAR(64) DEFAULT NULL
);`,
  postgres: `
CREATE TABLE IF NOT EXISTS version (
  table_name VARCHAR(32) NOT NULL UNIQUE,
  table_version INTEGER DEFAULT 0 NOT NULL
);
CREATE TABLE dispatcher (
  id SERIAL PRIMARY KEY NOT NULL,
  setid INTEGER DEFAULT 0 NOT NULL,
  destination VARCHAR(192) DEFAULT '' NOT NULL,
  socket VARCHAR(128) DEFAULT NULL,
  state INTEGER DEFAULT 0 NOT NULL,
  probe_mode INTEGER DEFAULT 0 NOT NULL,
  weight VARCHAR(64) DEFAULT '1' NOT NULL,
  priority INTEGER DEFAULT 0 NOT NULL,
  attrs VARCHAR(128) DEFAULT NULL,
  description VARCHAR(64) DEFAULT NULL
);`,
};

const tail = `
CREATE INDEX dispatcher_description ON dispatcher (description);
INSERT INTO version (table_name, table_version) VALUES ('dispatcher', 9);
`;

const migration: Migration = {
  id: 2,
  name: 'pbx-cluster',
  sql: { sqlite: common + dispatcher.sqlite + tail, postgres: common + dispatcher.postgres + tail },
};
export default migration;

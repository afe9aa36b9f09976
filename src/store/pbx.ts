// PBX-DB repository: agents and their ps_* rows, node registration (pbx_nodes,
// per-node views, OpenSIPS dispatcher row) and assignment moves, on SqlDb.
import { randomBytes } from 'node:crypto';
import { PbxbootError } from '../errors.js';
import type { AgentRow, AssignmentStore } from '../cluster/controller.js';
import type { Move } from '../cluster/balance.js';
import { agentPjsip, defaultEndpointPolicy, type Agent, type AgentInput, type EndpointPolicy } from '../render/agent-pjsip.js';
import { tables as pjsipTables } from './asterisk-pjsip-columns.js';
import { nodeViewNames, nodeViewPrefix, viewFamilies } from './pbx-names.js';
import type { Param, SqlDb } from './sql.js';

export interface PbxAgent extends AgentRow {
  name: string;
  department: string;
}

export interface NodeRegistration {
  id: string;
  name: string;
  tenant: string;
  /** the node's SIP/management address (dispatcher destination, routing view) */
  address: string;
  sipPort: number;
  ariUrl: string;
  ariUser: string;
  capacity: number;
  systemname: string;
  entityid: string;
  /** the node's lifecycle state as pbxboot sees it (default 'ready') */
  state?: string;
  /** OpenSIPS dispatcher set of the node's tenant */
  setid: number;
  /** OpenSIPS socket the proxy sends from, if it has several */
  socket?: string | null;
}

export interface DispatcherRow {
  id: number;
  setid: number;
  destination: string;
  socket: string | null;
  state: number;
  probe_mode: number;
  weight: string;
  priority: number;
  attrs: string | null;
  description: string | null;
}

/** OpenSIPS dispatcher states (3.x): 0 active, 1 inactive, 2 probing. */
export const dsState = { active: 0, inactive: 1, probing: 2 } as const;

export interface PbxRepoOptions {
  codecs: readonly string[];
  transport?: string;
  context?: string;
  now?: () => number;
  /** rows per INSERT statement group inside the import transaction */
  batchSize?: number;
}

const endpointCols = Object.keys(agentPjsip({ id: '', extension: '', name: '', tenant: '', department: '', secret: '' }, { codecs: [], ...defaultEndpointPolicy }).endpoint);
const aorCols = ['id', 'max_contacts', 'remove_existing'];
const authCols = ['id', 'auth_type', 'username', 'password'];
const agentCols = ['id', 'extension', 'name', 'tenant', 'department', 'secret'];
const agentUpdate = ['extension', 'name', 'tenant', 'department', 'secret'];

const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;
export const generateSecret = () => randomBytes(18).toString('base64url');

export class PbxRepo implements AssignmentStore {
  private readonly policy: EndpointPolicy;
  private readonly now: () => number;
  private readonly batchSize: number;

  constructor(
    private readonly db: SqlDb,
    opts: PbxRepoOptions,
  ) {
    this.policy = { codecs: opts.codecs, transport: opts.transport ?? defaultEndpointPolicy.transport, context: opts.context ?? defaultEndpointPolicy.context };
    this.now = opts.now ?? Date.now;
    this.batchSize = opts.batchSize ?? 5000;
  }

  /**
   * Writes agents and their ps_endpoints/ps_aors/ps_auths rows directly in the PBX
   * DB, all in one transaction (nothing is written if any row fails). Never through
   * ARI's dynamic config API: res_config_pgsql does not quote column names, so
   * pushing endpoints fails (asterisk/asterisk#1655). An endpoint inserted after a
   * node booted is invisible to ARI's endpoint list until something loads it: the
   * node's daemon touches new agents' endpoints (GET …/config/dynamic/res_pjsip/endpoint/{id}).
   * Existing agents keep their node, pin and (when the input has none) their secret.
   */
  async importAgents(agents: readonly AgentInput[]): Promise<{ created: number; updated: number }> {
    let created = 0;
    let updated = 0;
    await this.db.tx(async (tx) => {
      for (let i = 0; i < agents.length; i += this.batchSize) {
        const batch = agents.slice(i, i + this.batchSize);
        const existing = await existingSecrets(tx, batch.map((a) => a.id));
        const full: Agent[] = batch.map((a) => ({ ...a, secret: a.secret ?? existing.get(a.id) ?? generateSecret() }));
        for (const a of batch) existing.has(a.id) ? updated++ : created++;
        // New agents take a plain INSERT (cheaper on PostgreSQL); known ones an upsert.
        for (const part of [full.filter((a) => !existing.has(a.id)), full.filter((a) => existing.has(a.id))]) {
          if (part.length === 0) continue;
          const isNew = !existing.has(part[0]!.id);
          const rows = part.map((a) => agentPjsip(a, this.policy));
          const write = (table: string, cols: readonly string[], values: (readonly unknown[])[]) =>
            upsert(tx, table, cols, values, isNew ? null : cols.filter((c) => c !== 'id' && (table !== 'agents' || agentUpdate.includes(c))));
          await write('agents', agentCols, part.map((a) => agentCols.map((c) => a[c as keyof Agent])));
          await write('ps_endpoints', endpointCols, rows.map((r) => endpointCols.map((c) => r.endpoint[c] ?? null)));
          await write('ps_aors', aorCols, rows.map((r) => aorCols.map((c) => r.aor[c] ?? null)));
          await write('ps_auths', authCols, rows.map((r) => authCols.map((c) => r.auth[c] ?? null)));
        }
      }
    });
    return { created, updated };
  }

  async listAgents(): Promise<PbxAgent[]> {
    return (await this.db.all<AgentDbRow>(`SELECT ${agentSelect} FROM agents ORDER BY id`)).map(toAgent);
  }

  async listAgentsByNode(nodeId: string): Promise<PbxAgent[]> {
    return (await this.db.all<AgentDbRow>(`SELECT ${agentSelect} FROM agents WHERE node_id = ? ORDER BY id`, [nodeId])).map(toAgent);
  }

  /** Agents with secrets, for static pjsip.conf sections (SQLite mode). */
  async agentsForRender(nodeId: string): Promise<Agent[]> {
    return this.db.all<Agent>(`SELECT id, extension, name, tenant, department, secret FROM agents WHERE node_id = ? ORDER BY id`, [nodeId]);
  }

  /** One UPDATE per target node: the views join on agents.node_id, so the node sees the move at once. */
  async applyMoves(moves: readonly Move[]): Promise<void> {
    const byTarget = new Map<string, string[]>();
    for (const m of moves) {
      const l = byTarget.get(m.to);
      l ? l.push(m.agent) : byTarget.set(m.to, [m.agent]);
    }
    await this.db.tx(async (tx) => {
      for (const [to, ids] of byTarget) {
        for (let i = 0; i < ids.length; i += 1000) {
          const chunk = ids.slice(i, i + 1000);
          await tx.run(`UPDATE agents SET node_id = ? WHERE id IN (${chunk.map(() => '?').join(',')})`, [to, ...chunk]);
        }
      }
    });
  }

  async setPin(agentId: string, nodeId: string | null): Promise<void> {
    const r = await this.db.run('UPDATE agents SET pinned_node_id = ? WHERE id = ?', [nodeId, agentId]);
    if (r.changes === 0) throw new PbxbootError('E_NOT_FOUND', `no agent "${agentId}"`, { value: agentId });
  }

  /**
   * Registers (or re-registers, idempotently) a node in one transaction: its
   * pbx_nodes row, its views, its dispatcher row (active, always probed).
   * OpenSIPS reads the table at start and on `ds_reload`; the caller triggers that.
   */
  async registerNode(reg: NodeRegistration): Promise<void> {
    const prefix = nodeViewPrefix(reg.id);
    const now = this.now();
    await this.db.tx(async (tx) => {
      const clash = await tx.get<{ id: string }>('SELECT id FROM pbx_nodes WHERE view_prefix = ? AND id <> ?', [prefix, reg.id]);
      if (clash) throw new PbxbootError('E_CONFLICT', `node "${reg.id}" and node "${clash.id}" would share views ${prefix}_*`, { value: reg.id });
      await tx.run(
        `INSERT INTO pbx_nodes (id, name, tenant, address, sip_port, ari_url, ari_user, capacity, state, systemname, entityid, view_prefix, registered_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, tenant = excluded.tenant, address = excluded.address,
           sip_port = excluded.sip_port, ari_url = excluded.ari_url, ari_user = excluded.ari_user, capacity = excluded.capacity,
           state = excluded.state, systemname = excluded.systemname, entityid = excluded.entityid, updated_at = excluded.updated_at`,
        [reg.id, reg.name, reg.tenant, reg.address, reg.sipPort, reg.ariUrl, reg.ariUser, reg.capacity, reg.state ?? 'ready', reg.systemname, reg.entityid, prefix, now, now],
      );
      await createNodeViews(tx, reg.id);
      const destination = `sip:${reg.address}:${reg.sipPort}`;
      const attrs = `node=${reg.id}`;
      const row = await tx.get<{ id: number }>('SELECT id FROM dispatcher WHERE description = ?', [reg.id]);
      if (row) {
        await tx.run('UPDATE dispatcher SET setid = ?, destination = ?, socket = ?, state = ?, probe_mode = 1, attrs = ? WHERE id = ?', [reg.setid, destination, reg.socket ?? null, dsState.active, attrs, row.id]);
      } else {
        await tx.run(
          `INSERT INTO dispatcher (setid, destination, socket, state, probe_mode, weight, priority, attrs, description) VALUES (?, ?, ?, ?, 1, ?, 0, ?, ?)`,
          [reg.setid, destination, reg.socket ?? null, dsState.active, String(Math.max(1, Math.round(reg.capacity))), attrs, reg.id],
        );
      }
    });
  }

  /** Drain/undrain: inactive stops new calls reaching the node through the proxy. */
  async setDispatcherState(nodeId: string, active: boolean): Promise<void> {
    await this.db.tx(async (tx) => {
      await tx.run('UPDATE dispatcher SET state = ? WHERE description = ?', [active ? dsState.active : dsState.inactive, nodeId]);
      await tx.run('UPDATE pbx_nodes SET updated_at = ? WHERE id = ?', [this.now(), nodeId]);
    });
  }

  async setNodeState(nodeId: string, state: string): Promise<void> {
    await this.db.run('UPDATE pbx_nodes SET state = ?, updated_at = ? WHERE id = ?', [state, this.now(), nodeId]);
  }

  /** Removal: the proxy forgets the node, its views go; agents are moved by the controller first. */
  async removeNode(nodeId: string): Promise<void> {
    await this.db.tx(async (tx) => {
      await tx.run('DELETE FROM dispatcher WHERE description = ?', [nodeId]);
      for (const v of Object.values(nodeViewNames(nodeId))) await tx.exec(`DROP VIEW IF EXISTS ${v}`);
      await tx.run('UPDATE pbx_nodes SET state = ?, updated_at = ? WHERE id = ?', ['removed', this.now(), nodeId]);
    });
  }

  async dispatcherRow(nodeId: string): Promise<DispatcherRow | undefined> {
    return this.db.get<DispatcherRow>('SELECT * FROM dispatcher WHERE description = ?', [nodeId]);
  }
}

/** Creates (or keeps) a node's read views: what its extconfig.conf maps the families to. */
export async function createNodeViews(db: SqlDb, nodeId: string): Promise<Record<string, string>> {
  const names = nodeViewNames(nodeId);
  for (const family of viewFamilies) {
    const body = `SELECT t.* FROM ${family} t JOIN agents a ON a.id = t.id WHERE a.node_id = ${lit(nodeId)}`;
    await db.exec(db.dialect === 'postgres' ? `CREATE OR REPLACE VIEW ${names[family]} AS ${body}` : `CREATE VIEW IF NOT EXISTS ${names[family]} AS ${body}`);
  }
  return names;
}

interface AgentDbRow {
  id: string;
  extension: string;
  name: string;
  tenant: string;
  department: string;
  node_id: string | null;
  pinned_node_id: string | null;
}
const agentSelect = 'id, extension, name, tenant, department, node_id, pinned_node_id';
const toAgent = (r: AgentDbRow): PbxAgent => ({
  id: r.id,
  extension: r.extension,
  name: r.name,
  tenant: r.tenant,
  department: r.department,
  nodeId: r.node_id,
  pinnedNodeId: r.pinned_node_id,
});

async function existingSecrets(db: SqlDb, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const rows = await db.all<{ id: string; secret: string }>(`SELECT id, secret FROM agents WHERE id IN (${chunk.map(() => '?').join(',')})`, chunk);
    for (const r of rows) out.set(r.id, r.secret);
  }
  return out;
}

// Multi-row INSERT (… ON CONFLICT (id) DO UPDATE when `update` is given), valid in
// SQLite ≥ 3.24 and PostgreSQL; chunks stay under SQLite's 32766 bound parameters.
async function upsert(db: SqlDb, table: string, cols: readonly string[], rows: readonly (readonly unknown[])[], update: readonly string[] | null): Promise<void> {
  const q = (c: string) => `"${c}"`;
  if (update === null) return db.insertMany(table, cols.map(q), rows as (readonly Param[])[]);
  if (db.dialect === 'postgres') return upsertUnnest(db, table, cols, rows, update);
  const per = Math.max(1, Math.floor(30000 / cols.length));
  const conflict = update === null ? '' : ` ON CONFLICT (id) DO UPDATE SET ${update.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
  const tuple = `(${cols.map(() => '?').join(',')})`;
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const sql = `INSERT INTO ${table} (${cols.map(q).join(',')}) VALUES ${chunk.map(() => tuple).join(',')}${conflict}`;
    await db.run(sql, chunk.flat() as Param[]);
  }
}

// PostgreSQL: a multi-row VALUES upsert of 100,000 rows costs ≈ 3× a plain insert
// (every value is a separate bound parameter the server parses and plans); one
// array per column, unnest()ed server-side, makes the upsert as cheap as
// insertMany. Array element types are the columns' own (Asterisk's enums included).
async function upsertUnnest(db: SqlDb, table: string, cols: readonly string[], rows: readonly (readonly unknown[])[], update: readonly string[]): Promise<void> {
  const q = (c: string) => `"${c}"`;
  const casts = cols.map((c) => `?::${pgArrayType(table, c)}[]`).join(', ');
  const sql =
    `INSERT INTO ${table} (${cols.map(q).join(',')}) SELECT * FROM unnest(${casts}) ` +
    `ON CONFLICT (id) DO UPDATE SET ${update.map((c) => `${q(c)} = excluded.${q(c)}`).join(', ')}`;
  for (let i = 0; i < rows.length; i += 20000) {
    const chunk = rows.slice(i, i + 20000);
    // pg sends a JS array as a PostgreSQL array literal; SqlDb's Param has no array type.
    const arrays = cols.map((_, j) => chunk.map((r) => r[j] ?? null)) as unknown as Param[];
    await db.run(sql, arrays);
  }
}

/** The PostgreSQL type of a column this module writes (agents: text; ps_*: Asterisk's). */
function pgArrayType(table: string, col: string): string {
  if (table === 'agents') return 'text';
  const type = pjsipTables[table]?.find(([c]) => c === col)?.[1];
  if (type === undefined) throw new PbxbootError('E_INTERNAL', `no column ${table}.${col}`, { value: col });
  if (type.startsWith('enum:')) return type.slice(5);
  if (type.startsWith('VARCHAR')) return 'varchar';
  return ({ INTEGER: 'int4', FLOAT: 'float8', TEXT: 'text' } as Record<string, string>)[type] ?? 'text';
}

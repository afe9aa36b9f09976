// The PBX databases of all tenants behind one face: a tenant names its PBX DB
// (or shares the default one), each opened lazily and migrated once. The
// cluster controller and the agents API see one AssignmentStore/AgentDirectory.
import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { PbxbootError } from '../errors.js';
import type { Move } from '../cluster/balance.js';
import type { AgentRow, AssignmentStore } from '../cluster/controller.js';
import type { AgentDirectory, AgentView } from '../http/routes/cluster.js';
import { parseAgentsCsv } from '../render/agents-csv.js';
import { migrate } from './migrate.js';
import { PbxRepo, type PbxAgent } from './pbx.js';
import type { SqlDb } from './sql.js';
import { openDb } from './state-store.js';
import type { NodesRepo } from './nodes-repo.js';

export class PbxTenants implements AssignmentStore, AgentDirectory {
  private readonly open = new Map<string, Promise<{ db: SqlDb; repo: PbxRepo }>>();
  private agentRepo = new Map<string, PbxRepo>();

  constructor(
    private readonly config: Pick<Config, 'pbxDb' | 'tenants' | 'codecs' | 'dataDir'>,
    private readonly nodes: NodesRepo,
  ) {}

  /** The tenant's PBX DB URL ('' = SQLite in the data dir). */
  urlOf(tenant: string): string {
    const t = this.config.tenants[tenant];
    if (!t) throw new PbxbootError('E_USAGE', `unknown tenant "${tenant}" (configured: ${Object.keys(this.config.tenants).join(', ')})`, { value: tenant });
    return t.pbxDb ?? this.config.pbxDb;
  }

  isStatic(tenant: string): boolean {
    return !/^postgres(ql)?:\/\//.test(this.urlOf(tenant));
  }

  async db(tenant: string): Promise<SqlDb> {
    return (await this.entry(tenant)).db;
  }

  async repo(tenant: string): Promise<PbxRepo> {
    return (await this.entry(tenant)).repo;
  }

  private entry(tenant: string): Promise<{ db: SqlDb; repo: PbxRepo }> {
    const url = this.urlOf(tenant);
    let e = this.open.get(url);
    if (!e) {
      const codecs = this.config.tenants[tenant]?.codecs ?? this.config.codecs;
      e = (async () => {
        const db = await openDb(url, resolve(this.config.dataDir), 'pbx.db', 'pbxboot');
        await migrate(db, 'pbx');
        return { db, repo: new PbxRepo(db, { codecs }) };
      })();
      e.catch(() => this.open.delete(url)); // an unreachable DB is retried next time
      this.open.set(url, e);
    }
    return e;
  }

  /** One repo per distinct database, each with the tenants it holds. */
  private async repos(): Promise<PbxRepo[]> {
    const seen = new Map<string, string>();
    for (const t of Object.keys(this.config.tenants)) if (!seen.has(this.urlOf(t))) seen.set(this.urlOf(t), t);
    return Promise.all([...seen.values()].map((t) => this.repo(t)));
  }

  async listAgents(): Promise<PbxAgent[]> {
    const out: PbxAgent[] = [];
    const index = new Map<string, PbxRepo>();
    for (const repo of await this.repos()) {
      for (const a of await repo.listAgents()) {
        out.push(a);
        index.set(a.id, repo);
      }
    }
    this.agentRepo = index;
    return out;
  }

  private async repoOfAgent(agent: string): Promise<PbxRepo> {
    if (!this.agentRepo.has(agent)) await this.listAgents();
    const r = this.agentRepo.get(agent);
    if (!r) throw new PbxbootError('E_NOT_FOUND', `unknown agent "${agent}"`, { value: agent });
    return r;
  }

  async applyMoves(moves: readonly Move[]): Promise<void> {
    const byRepo = new Map<PbxRepo, Move[]>();
    for (const m of moves) {
      const r = await this.repoOfAgent(m.agent);
      (byRepo.get(r) ?? byRepo.set(r, []).get(r)!).push(m);
    }
    for (const [r, ms] of byRepo) {
      await r.applyMoves(ms);
      await this.notify(r, ms);
    }
  }

  /** PostgreSQL: other consumers (the CMS) can LISTEN pbxboot_assignments; payloads stay under the 8000-byte limit. */
  private async notify(repo: PbxRepo, moves: readonly Move[]): Promise<void> {
    const db = [...this.open.values()];
    for (const e of db) {
      const { db: d, repo: r } = await e;
      if (r !== repo || d.dialect !== 'postgres') continue;
      let chunk: [string, string | null, string][] = [];
      const flush = async () => {
        if (chunk.length) await d.get('SELECT pg_notify(?, ?)', ['pbxboot_assignments', JSON.stringify({ moves: chunk })]);
        chunk = [];
      };
      for (const m of moves) {
        chunk.push([m.agent, m.from, m.to]);
        if (JSON.stringify(chunk).length > 7000) await flush();
      }
      await flush();
    }
  }

  async setPin(agentId: string, nodeId: string | null): Promise<void> {
    await (await this.repoOfAgent(agentId)).setPin(agentId, nodeId);
  }

  async setDispatcherState(nodeId: string, active: boolean): Promise<void> {
    const node = await this.nodes.get(nodeId);
    await (await this.repo(node.tenant)).setDispatcherState(nodeId, active);
  }

  async list(filter: { node?: string; tenant?: string }): Promise<AgentView[]> {
    const all = await this.listAgents();
    return all
      .filter((a) => (filter.node === undefined || a.nodeId === filter.node) && (filter.tenant === undefined || a.tenant === filter.tenant))
      .map((a: PbxAgent & AgentRow) => ({ id: a.id, extension: a.extension, name: a.name, tenant: a.tenant, department: a.department, node: a.nodeId, pinnedNode: a.pinnedNodeId }));
  }

  async exists(id: string): Promise<boolean> {
    await this.listAgents();
    return this.agentRepo.has(id);
  }

  async importCsv(text: string): Promise<{ imported: number; created: number; updated: number }> {
    const rows = parseAgentsCsv(text);
    const byTenant = new Map<string, typeof rows>();
    for (const r of rows) {
      if (!(r.tenant in this.config.tenants)) {
        throw new PbxbootError('E_CSV', `agent ${r.id}: unknown tenant "${r.tenant}" (configured: ${Object.keys(this.config.tenants).join(', ')}); nothing imported`, { value: r.tenant });
      }
      (byTenant.get(r.tenant) ?? byTenant.set(r.tenant, []).get(r.tenant)!).push(r);
    }
    let created = 0;
    let updated = 0;
    for (const [tenant, list] of byTenant) {
      const res = await (await this.repo(tenant)).importAgents(list);
      created += res.created;
      updated += res.updated;
    }
    return { imported: rows.length, created, updated };
  }

  async close(): Promise<void> {
    for (const e of this.open.values()) await (await e.catch(() => null))?.db.close();
    this.open.clear();
  }
}

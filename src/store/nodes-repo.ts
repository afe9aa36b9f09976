// Node inventory on SqlDb: lookups by id, name or MAC, and the one
// transactional state-transition function (DESIGN §2) that also records the event.
import { randomUUID } from 'node:crypto';
import { PbxbootError } from '../errors.js';
import { checkNodeName, checkTransition, type NewNode, type Node, type NodeState } from '../cluster/nodes.js';
import { parseMac } from '../cluster/mac.js';
import type { SqlDb } from './sql.js';
import type { EventsRepo } from './events-repo.js';
import type { BootEvent, BootEventInput } from '../events/event.js';

interface NodeRow {
  id: string;
  name: string;
  ip: string | null;
  tenant: string;
  weight: number;
  state: NodeState;
  reason: string | null;
  profile: string;
  cordoned: number;
  allow_netboot: number;
  boot_once: number;
  created_at: number;
  updated_at: number;
  last_boot_at: number | null;
}

export interface NodeFilter {
  state?: NodeState;
  tenant?: string;
}

export type NodePatch = Partial<Pick<Node, 'name' | 'ip' | 'tenant' | 'weight' | 'profile' | 'allowNetboot' | 'bootOnce' | 'lastBootAt' | 'cordoned'>>;

export class NodesRepo {
  private changes = 0;

  constructor(
    private readonly db: SqlDb,
    private readonly events: EventsRepo,
    /** live feed; called after the transaction commits */
    private readonly publish: (evs: BootEvent[]) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the writes this repo has finished (committed or not): a cache of its reads is stale once it moves. */
  get version(): number {
    return this.changes;
  }

  private async changing<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } finally {
      this.changes++;
    }
  }

  /** Runs a change that logs events: they commit with it where the log shares the database, else right after it. */
  private async logged<T>(fn: (tx: SqlDb, log: BootEventInput[]) => Promise<T>): Promise<T> {
    const log: BootEventInput[] = [];
    const together = !this.events.opts.ownDb;
    let written: BootEvent[] = [];
    const out = await this.changing(() =>
      this.db.tx(async (tx) => {
        const r = await fn(tx, log);
        if (together) written = await this.events.append(log, tx);
        return r;
      }),
    );
    if (!together) written = await this.events.append(log);
    this.publish(written);
    return out;
  }

  private async hydrate(db: SqlDb, rows: NodeRow[]): Promise<Node[]> {
    if (rows.length === 0) return [];
    const macs = await db.all<{ mac: string; node_id: string }>(
      rows.length === 1
        ? 'SELECT mac, node_id FROM node_macs WHERE node_id = ? ORDER BY mac'
        : 'SELECT mac, node_id FROM node_macs ORDER BY mac',
      rows.length === 1 ? [rows[0]!.id] : [],
    );
    const byNode = new Map<string, string[]>();
    for (const m of macs) (byNode.get(m.node_id) ?? byNode.set(m.node_id, []).get(m.node_id)!).push(m.mac);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      macs: byNode.get(r.id) ?? [],
      ip: r.ip,
      tenant: r.tenant,
      weight: Number(r.weight),
      state: r.state,
      reason: r.reason,
      profile: r.profile,
      cordoned: Number(r.cordoned) === 1,
      allowNetboot: Number(r.allow_netboot) === 1,
      bootOnce: Number(r.boot_once) === 1,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
      lastBootAt: r.last_boot_at === null ? null : Number(r.last_boot_at),
    }));
  }

  async list(filter: NodeFilter = {}, db: SqlDb = this.db): Promise<Node[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.state) (where.push('state = ?'), params.push(filter.state));
    if (filter.tenant) (where.push('tenant = ?'), params.push(filter.tenant));
    const rows = await db.all<NodeRow>(
      `SELECT * FROM nodes ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY name`,
      params,
    );
    return this.hydrate(db, rows);
  }

  /** Finds a node by id, name or MAC (DESIGN §6: NODE is a name, MAC or id). */
  async find(ref: string, db: SqlDb = this.db): Promise<Node | null> {
    const mac = parseMac(ref);
    const row = mac
      ? await db.get<NodeRow>('SELECT n.* FROM nodes n JOIN node_macs m ON m.node_id = n.id WHERE m.mac = ?', [mac])
      : await db.get<NodeRow>('SELECT * FROM nodes WHERE id = ? OR name = ?', [ref, ref]);
    if (!row) return null;
    return (await this.hydrate(db, [row]))[0]!;
  }

  async get(ref: string, db: SqlDb = this.db): Promise<Node> {
    const n = await this.find(ref, db);
    if (!n) throw new PbxbootError('E_NOT_FOUND', `unknown node "${ref}"`, { value: ref });
    return n;
  }

  async create(input: NewNode): Promise<Node> {
    checkNodeName(input.name);
    if (input.macs.length === 0) throw new PbxbootError('E_USAGE', `node ${input.name} needs at least one MAC address`);
    if (input.weight !== undefined && !(input.weight > 0 && Number.isFinite(input.weight))) {
      throw new PbxbootError('E_USAGE', `invalid weight "${input.weight}": must be a positive number`, { value: input.weight });
    }
    return this.logged(async (tx, log) => {
      if (await tx.get('SELECT id FROM nodes WHERE name = ?', [input.name])) {
        throw new PbxbootError('E_CONFLICT', `a node named "${input.name}" already exists`, { value: input.name });
      }
      for (const mac of input.macs) {
        const owner = await tx.get<{ name: string }>(
          'SELECT n.name FROM node_macs m JOIN nodes n ON n.id = m.node_id WHERE m.mac = ?',
          [mac],
        );
        if (owner) throw new PbxbootError('E_CONFLICT', `MAC ${mac} already belongs to node "${owner.name}"`, { value: mac });
      }
      const id = randomUUID();
      const t = this.now();
      const state = input.state ?? 'enrolled';
      await tx.run(
        `INSERT INTO nodes (id, name, ip, tenant, weight, state, profile, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, input.name, input.ip ?? null, input.tenant ?? 'default', input.weight ?? 1, state, input.profile ?? 'default', t, t],
      );
      for (const mac of input.macs) await tx.run('INSERT INTO node_macs (mac, node_id) VALUES (?, ?)', [mac, id]);
      log.push({ time: t, node: id, mac: input.macs[0] ?? null, stage: 'node.created', detail: { name: input.name, state } });
      return (await this.get(id, tx))!;
    });
  }

  /** The one way a node changes state: checked, atomic, and logged as an event. */
  async transition(ref: string, to: NodeState, reason: string | null = null, patch: NodePatch = {}): Promise<Node> {
    return this.logged(async (tx, log) => {
      const node = await this.get(ref, tx);
      checkTransition(node, to);
      await this.applyPatch(tx, node.id, { ...patch }, { state: to, reason });
      log.push({ time: this.now(), node: node.id, mac: node.macs[0] ?? null, stage: 'node.state', detail: { from: node.state, to, reason } });
      return this.get(node.id, tx);
    });
  }

  async update(ref: string, patch: NodePatch): Promise<Node> {
    return this.changing(() =>
      this.db.tx(async (tx) => {
        const node = await this.get(ref, tx);
        await this.applyPatch(tx, node.id, patch, {});
        return this.get(node.id, tx);
      }),
    );
  }

  private async applyPatch(tx: SqlDb, id: string, patch: NodePatch, extra: { state?: NodeState; reason?: string | null }): Promise<void> {
    const cols: Record<string, string | number | null> = {};
    if (extra.state !== undefined) cols.state = extra.state;
    if (extra.reason !== undefined) cols.reason = extra.reason;
    if (patch.name !== undefined) {
      checkNodeName(patch.name);
      const other = await tx.get('SELECT id FROM nodes WHERE name = ? AND id <> ?', [patch.name, id]);
      if (other) throw new PbxbootError('E_CONFLICT', `a node named "${patch.name}" already exists`, { value: patch.name });
      cols.name = patch.name;
    }
    if (patch.ip !== undefined) cols.ip = patch.ip;
    if (patch.tenant !== undefined) cols.tenant = patch.tenant;
    if (patch.weight !== undefined) cols.weight = patch.weight;
    if (patch.profile !== undefined) cols.profile = patch.profile;
    if (patch.allowNetboot !== undefined) cols.allow_netboot = patch.allowNetboot ? 1 : 0;
    if (patch.bootOnce !== undefined) cols.boot_once = patch.bootOnce ? 1 : 0;
    if (patch.cordoned !== undefined) cols.cordoned = patch.cordoned ? 1 : 0;
    if (patch.lastBootAt !== undefined) cols.last_boot_at = patch.lastBootAt;
    cols.updated_at = this.now();
    const keys = Object.keys(cols);
    await tx.run(`UPDATE nodes SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = ?`, [...keys.map((k) => cols[k]!), id]);
  }

  async addMac(ref: string, mac: string): Promise<void> {
    await this.changing(() =>
      this.db.tx(async (tx) => {
        const node = await this.get(ref, tx);
        await tx.run('INSERT INTO node_macs (mac, node_id) VALUES (?, ?)', [mac, node.id]);
      }),
    );
  }

  /** Deletes the record (the lifecycle's `removed` state keeps it; this forgets it). */
  async delete(ref: string): Promise<void> {
    await this.logged(async (tx, log) => {
      const node = await this.get(ref, tx);
      await tx.run('DELETE FROM node_macs WHERE node_id = ?', [node.id]);
      await tx.run('DELETE FROM nodes WHERE id = ?', [node.id]);
      log.push({ time: this.now(), node: node.id, mac: node.macs[0] ?? null, stage: 'node.deleted', detail: { name: node.name } });
    });
  }
}

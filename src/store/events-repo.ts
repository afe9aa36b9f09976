// The netboot log on SqlDb: append-only boot_events, indexed by mac, time and (events without a MAC) node; queries
// for `pbxboot logs`, and retention pruning. On a SQLite state DB the log has a file of its own (state-store.ts says why).
import type { BootEvent, BootEventInput, EventLevel, EventQuery } from '../events/event.js';
import { decodeEvents, EventRows, type EncodedEvents } from '../events/event-rows.js';
import { MAC_SPAN_BITS } from './migrations/state/007-boot-events-mac-spans.js';
import { valuesList, type Param, type SqlDb } from './sql.js';

interface EventRow {
  id: number;
  time: number;
  mac: string | null;
  node: string | null;
  stage: string;
  level: EventLevel;
  detail: string;
}

const cols = ['time', 'mac', 'node', 'stage', 'level', 'detail'] as const;
// Every SQLite append is one statement over an encoded batch (events/event-rows.ts): SQLite reads the rows from its
// JSON text, so no parameter is built per event, and rowids follow the array order (one statement, one writer).
// A blob is JSONB to SQLite's JSON functions: the text is cast. jsonb_each, not json_each: each row comes out as
// JSONB, which `->>` reads in place, where json_each writes every row back out as text for `->>` to parse again
// (writer thread ≈ 4.8 against 5.4 µs an event, bench/events-hotpath.ts at 32,000 events/s).
const sqliteInsertEncoded = `INSERT INTO boot_events (${cols.join(',')}) SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM jsonb_each(CAST(? AS TEXT))`;

async function insertEncoded(db: SqlDb, batch: EncodedEvents, events: boolean): Promise<BootEvent[]> {
  const [r] = await db.batch([[sqliteInsertEncoded, [batch.json]]]);
  if (r!.changes !== batch.count) throw new Error(`boot events: ${r!.changes} of ${batch.count} rows written`);
  return events ? decodeEvents(batch, r!.lastId! - batch.count + 1) : [];
}

export class EventsRepo {
  /** ownDb: the log has a database of its own (a SQLite state DB's -events file); no other transaction can hold it */
  constructor(
    private readonly db: SqlDb,
    readonly opts: { ownDb?: boolean } = {},
  ) {}

  /** Appends events (in the caller's transaction when given and the log shares its database) and returns them with ids. */
  async append(input: readonly BootEventInput[], tx: SqlDb = this.db): Promise<BootEvent[]> {
    const db = this.opts.ownDb ? this.db : tx;
    if (input.length === 0) return [];
    const now = Date.now();
    if (db.dialect === 'sqlite') {
      // The EventLog's encoding, for the few events of a node change: one way to write the log on SQLite.
      const rows = new EventRows(1024);
      for (const e of input) rows.push(e, now);
      return insertEncoded(db, rows.take()!, true);
    }
    const evs: BootEvent[] = input.map((e) => ({ id: 0, time: e.time ?? now, mac: e.mac ?? null, node: e.node ?? null, stage: e.stage, level: e.level ?? 'info', detail: e.detail ?? {} }));
    return db.tx(async (tx) => {
      const out: BootEvent[] = [];
      // PostgreSQL: multi-row VALUES with RETURNING, in chunks under the bind limit.
      const per = 5000;
      for (let i = 0; i < evs.length; i += per) {
        const chunk = evs.slice(i, i + per);
        const params = chunk.flatMap((e): Param[] => [e.time, e.mac, e.node, e.stage, e.level, JSON.stringify(e.detail)]);
        const ids = await tx.all<{ id: number }>(`INSERT INTO boot_events (${cols.join(',')}) VALUES ${valuesList(chunk.length, cols.length)} RETURNING id`, params);
        chunk.forEach((e, j) => out.push(Object.assign(e, { id: Number(ids[j]!.id) })));
      }
      return out;
    });
  }

  /**
   * Appends a batch the EventLog encoded; resolves with its events (ids set) when `events` is true, else with [].
   * On SQLite the rows go in as their text; rowids are consecutive in array order (one statement, one writer).
   */
  async appendEncoded(batch: EncodedEvents, opts: { events: boolean }): Promise<BootEvent[]> {
    if (this.db.dialect !== 'sqlite') return this.append(decodeEvents(batch));
    return insertEncoded(this.db, batch, opts.events);
  }

  async query(q: EventQuery = {}): Promise<BootEvent[]> {
    const where: string[] = [];
    const params: Param[] = [];
    // SQLite's MAC index is keyed by span first (migration state/007): a MAC is looked up in each span from the
    // first event wanted to the newest, listed by `span`.
    const bySpan = this.db.dialect === 'sqlite' && (!!q.mac || !!(q.node && q.nodeMacs?.length));
    const macIs = (term: string) => (bySpan ? `((id >> ${MAC_SPAN_BITS}) IN (SELECT k FROM span) AND ${term})` : term);
    if (bySpan) params.push(q.afterId !== undefined ? q.afterId + 1 : 0);
    if (q.node && q.nodeMacs?.length) {
      // The node index holds only events without a MAC (migration state/005): the rest are found by their MAC.
      where.push(`((node = ? AND mac IS NULL) OR ${macIs(`mac IN (${q.nodeMacs.map(() => '?').join(',')})`)})`);
      params.push(q.node, ...q.nodeMacs);
    } else if (q.node) (where.push('node = ?'), params.push(q.node));
    if (q.mac) (where.push(macIs('mac = ?')), params.push(q.mac));
    if (q.since !== undefined) (where.push('time >= ?'), params.push(q.since));
    if (q.level) (where.push('level = ?'), params.push(q.level));
    if (q.afterId !== undefined) (where.push('id > ?'), params.push(q.afterId));
    if (q.stage) {
      if (q.stage.endsWith('*') || q.stage.endsWith('.')) {
        where.push('stage LIKE ?');
        params.push(q.stage.replace(/\*$/, '') + '%');
      } else (where.push('stage = ?'), params.push(q.stage));
    }
    const w = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(Math.max(q.limit ?? 1000, 1), 100000);
    // Newest `limit` rows, returned oldest first (log order); with afterId, the next ones.
    const spans = bySpan
      ? `WITH RECURSIVE span(k) AS (SELECT max(?, (SELECT min(id) FROM boot_events)) >> ${MAC_SPAN_BITS} UNION ALL SELECT k + 1 FROM span WHERE k < (SELECT max(id) FROM boot_events) >> ${MAC_SPAN_BITS}) `
      : '';
    const sql =
      q.afterId !== undefined
        ? `${spans}SELECT * FROM boot_events ${w} ORDER BY id ASC LIMIT ${limit}`
        : `${spans}SELECT * FROM (SELECT * FROM boot_events ${w} ORDER BY id DESC LIMIT ${limit}) t ORDER BY id ASC`;
    const rows = await this.db.all<EventRow>(sql, params);
    return rows.map((r) => ({
      id: Number(r.id),
      time: Number(r.time),
      mac: r.mac,
      node: r.node,
      stage: r.stage,
      level: r.level,
      detail: safeJson(r.detail),
    }));
  }

  /** Deletes events older than `before` (epoch ms); returns how many. */
  async prune(before: number): Promise<number> {
    return (await this.db.run('DELETE FROM boot_events WHERE time < ?', [before])).changes;
  }

  async count(): Promise<number> {
    const r = await this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM boot_events');
    return Number(r?.n ?? 0);
  }
}

function safeJson(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : { value: v };
  } catch {
    return { raw: s };
  }
}

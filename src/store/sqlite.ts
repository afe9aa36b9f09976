// SQLite adapter for SqlDb (better-sqlite3, WAL). better-sqlite3 is synchronous;
// an async transaction holds a queue so no other caller's statement lands inside it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PbxbootError } from '../errors.js';
import type { Param, Row, SqlDb } from './sql.js';
import { SqliteCheckpointer, SqliteWriter, type WriteResult } from './sqlite-writer.js';

type Stmt = Database.Statement<unknown[], unknown>;

class SqliteDb implements SqlDb {
  readonly dialect = 'sqlite' as const;
  constructor(
    private readonly db: Database.Database,
    readonly describe: string,
    private readonly inTx = false,
    // shared between the connection and its transaction views
    private readonly state = { busy: false, queue: Promise.resolve() as Promise<unknown> },
    // prepared statements, shared too: a transaction view must not prepare its statements again
    private readonly cache = new Map<string, Stmt>(),
    // file databases: the writer thread for bulk batches (started on first use), and the checkpointer thread that
    // takes this connection's checkpoints once it commits urgent batches itself; shared with transaction views
    private readonly writer: { path: string | null; thread: SqliteWriter | null; checkpointer: SqliteCheckpointer | null } = { path: null, thread: null, checkpointer: null },
  ) {}

  private stmt(sql: string): Stmt {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(sql, s);
    }
    return s;
  }

  // Outside a transaction, wait for any running transaction to finish first; a write lock held by another
  // connection (the writer thread, another process) is waited for without blocking the event loop.
  private async gate<T>(fn: () => T): Promise<T> {
    try {
      if (this.inTx) return fn();
      return await whenNotBusy(fn, async () => {
        while (this.state.busy) await this.state.queue;
      });
    } catch (e) {
      throw wrap(e, this.describe);
    }
  }

  all<T = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    return this.gate(() => this.stmt(sql).all(...conv(params)) as T[]);
  }
  get<T = Row>(sql: string, params: readonly Param[] = []): Promise<T | undefined> {
    return this.gate(() => this.stmt(sql).get(...conv(params)) as T | undefined);
  }
  run(sql: string, params: readonly Param[] = []): Promise<{ changes: number }> {
    return this.gate(() => ({ changes: this.stmt(sql).run(...conv(params)).changes }));
  }
  exec(sql: string): Promise<void> {
    return this.gate(() => void this.db.exec(sql));
  }

  async batch(stmts: readonly (readonly [string, readonly Param[]])[], opts: { urgent?: boolean } = {}): Promise<WriteResult[]> {
    const inline = () => {
      const out: WriteResult[] = [];
      for (const [sql, p] of stmts) {
        const r = this.stmt(sql).run(...conv(p));
        out.push({ changes: r.changes, lastId: Number(r.lastInsertRowid) });
      }
      return out;
    };
    // Inside a transaction the statements belong to it; an in-memory database has no second connection.
    if (this.inTx) return this.gate(inline);
    const w = this.writer;
    // An urgent batch (a few lease rows a DHCP ACK waits for) commits here at once: a hop to the writer thread and
    // back cost more CPU than the rows, and its ACKs waited for that thread to be scheduled (at 7,000-8,000 DORA/s on
    // 2 cores: ACK waits of 4-10 ms on average and up to 180-290 ms, against 2-4 ms and 18-40 ms here). Its
    // checkpoints (20-30 ms each) run on a thread of their own, as the writer thread's do.
    if (opts.urgent && w.path !== null) {
      if (!w.checkpointer) {
        this.db.pragma('wal_autocheckpoint = 0');
        w.checkpointer = new SqliteCheckpointer(w.path, () => {
          if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000'); // checkpoint here again, SQLite's default
        });
      }
      return this.gate(() => this.db.transaction(inline).immediate());
    }
    if (w.path !== null && !w.thread?.failed) {
      w.thread ??= new SqliteWriter(w.path);
      while (this.state.busy) await this.state.queue; // our own open transaction holds the write lock
      try {
        return await w.thread.write(stmts.map(([sql, p]) => [sql, conv(p)] as const));
      } catch (e) {
        if (!w.thread.failed) throw wrap(e, this.describe);
      }
    }
    return this.tx((tx) => tx.batch(stmts));
  }

  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly Param[])[]): Promise<void> {
    if (rows.length === 0) return;
    const s = this.stmt(`INSERT INTO ${table} (${columns.join(',')}) VALUES (${columns.map(() => '?').join(',')})`);
    const write = () => {
      try {
        for (const r of rows) s.run(...conv(r));
      } catch (e) {
        throw wrap(e, this.describe);
      }
    };
    if (this.inTx) write();
    else await this.gate(() => this.db.transaction(write)());
  }

  async tx<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    const run = async () => {
      this.state.busy = true;
      try {
        await whenNotBusy(() => this.db.exec('BEGIN IMMEDIATE'));
      } catch (e) {
        this.state.busy = false;
        throw wrap(e, this.describe);
      }
      try {
        const out = await fn(new SqliteDb(this.db, this.describe, true, this.state, this.cache, this.writer));
        this.db.exec('COMMIT');
        return out;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      } finally {
        this.state.busy = false;
      }
    };
    const p = this.state.queue.then(run, run);
    this.state.queue = p.catch(() => undefined);
    return p;
  }

  async close(): Promise<void> {
    await this.writer.thread?.close(); // its queued batches commit first
    await this.writer.checkpointer?.close();
    while (this.state.busy) await this.state.queue;
    if (this.db.open) this.db.close();
  }
}

const BUSY_WAIT_MS = 5000;

/**
 * Runs fn, retrying while SQLite answers SQLITE_BUSY (another connection holds the write lock) for up to 5 s, with
 * timers in between: SQLite's own busy timeout would sleep on the event loop thread, and the writer thread commits
 * hundreds of times a second in a DHCP storm. `ready` runs before every try.
 */
async function whenNotBusy<T>(fn: () => T, ready?: () => Promise<void>): Promise<T> {
  for (let waited = 0, delay = 1; ; waited += delay, delay = Math.min(2 * delay, 16)) {
    await ready?.();
    try {
      return fn();
    } catch (e) {
      const busy = [e, (e as { cause?: unknown }).cause].some((x) => (x as { code?: string } | undefined)?.code === 'SQLITE_BUSY');
      if (!busy || waited >= BUSY_WAIT_MS) throw e;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

function wrap(e: unknown, where: string): unknown {
  const code = (e as { code?: string }).code ?? '';
  if (code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new PbxbootError('E_CONFLICT', (e as Error).message, { cause: e });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_IOERR') {
    return new PbxbootError('E_DB', `database ${where}: ${(e as Error).message}`, { value: where, cause: e });
  }
  return e;
}

/** Booleans as 0/1; without any, the array itself (a slice of boot events has 6,144 parameters and none). */
function conv(params: readonly Param[]): readonly unknown[] {
  for (let i = 0; i < params.length; i++) if (typeof params[i] === 'boolean') return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
  return params;
}

export interface SqliteOptions {
  /** page size of a new file, bytes (a power of two, 512-65536); a file that exists keeps its own */
  pageSize?: number;
}

/** Opens (creating if needed) an SQLite database file; ':memory:' for tests. */
export function openSqlite(path: string, opts: SqliteOptions = {}): SqlDb {
  const p = opts.pageSize;
  if (p !== undefined && !(Number.isInteger(Math.log2(p)) && p >= 512 && p <= 65_536)) {
    throw new PbxbootError('E_DB', `SQLite page size ${p} for ${path}: not a power of two from 512 to 65536`, { value: String(p) });
  }
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    // Only takes effect before the first page is written, i.e. on a new file: WAL mode writes the header.
    if (opts.pageSize !== undefined) db.pragma(`page_size = ${opts.pageSize}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // durable across process crash; WAL fsyncs at checkpoint
    db.pragma('foreign_keys = ON');
    // Multi-row statements inside a transaction keep a statement journal; in memory it costs no file writes.
    db.pragma('temp_store = MEMORY');
    db.pragma('busy_timeout = 0'); // waits for another connection's write lock are timers (whenNotBusy), not sleeps
    db.pragma('cache_size = -16384'); // 16 MiB, as the writer thread's: this connection commits the lease upserts
    return new SqliteDb(db, `sqlite:${path}`, false, undefined, undefined, { path: path === ':memory:' || path === '' ? null : path, thread: null, checkpointer: null });
  } catch (e) {
    throw new PbxbootError('E_DB', `cannot open SQLite database ${path}: ${(e as Error).message}`, {
      value: path,
      cause: e,
    });
  }
}

// SQLite adapter for SqlDb (better-sqlite3, WAL). better-sqlite3 is synchronous;
// an async transaction holds a queue so no other caller's statement lands inside it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PbxbootError } from '../errors.js';
import type { Param, Row, SqlDb } from './sql.js';

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

  // Outside a transaction, wait for any running transaction to finish first.
  private async gate<T>(fn: () => T): Promise<T> {
    if (!this.inTx) while (this.state.busy) await this.state.queue;
    try {
      return fn();
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
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(new SqliteDb(this.db, this.describe, true, this.state, this.cache));
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
    while (this.state.busy) await this.state.queue;
    if (this.db.open) this.db.close();
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

function conv(params: readonly Param[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

/** Opens (creating if needed) an SQLite database file; ':memory:' for tests. */
export function openSqlite(path: string): SqlDb {
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL'); // durable across process crash; WAL fsyncs at checkpoint
    db.pragma('foreign_keys = ON');
    // Multi-row statements inside a transaction keep a statement journal; in memory it costs no file writes.
    db.pragma('temp_store = MEMORY');
    db.pragma('busy_timeout = 5000');
    return new SqliteDb(db, `sqlite:${path}`);
  } catch (e) {
    throw new PbxbootError('E_DB', `cannot open SQLite database ${path}: ${(e as Error).message}`, {
      value: path,
      cause: e,
    });
  }
}

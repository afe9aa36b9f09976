// PostgreSQL adapter for SqlDb (pg, pooled). Translates `?` placeholders to $n;
// BIGINT comes back as a JS number (epoch-ms timestamps fit in 2^53).
import pg from 'pg';
import { PbxbootError } from '../errors.js';
import type { Param, Row, SqlDb } from './sql.js';

pg.types.setTypeParser(20, (v) => Number(v)); // int8
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric

const placeholderCache = new Map<string, string>();
export function toDollar(sql: string): string {
  let out = placeholderCache.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    placeholderCache.set(sql, out);
  }
  return out;
}

export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@').replace(/(password=)[^&\s]*/i, '$1***');
}

type Queryable = pg.Pool | pg.PoolClient;

class PostgresDb implements SqlDb {
  readonly dialect = 'postgres' as const;
  constructor(
    private readonly q: Queryable,
    readonly describe: string,
    private readonly pool: pg.Pool | null,
    // table → column → type, shared with transaction views (schemas change only by migration)
    private readonly types: Map<string, Map<string, string>> = new Map(),
  ) {}

  private async query(sql: string, params: readonly Param[]): Promise<pg.QueryResult> {
    try {
      return await this.q.query(toDollar(sql), params as unknown[]);
    } catch (e) {
      throw wrap(e, this.describe);
    }
  }
  async all<T = Row>(sql: string, params: readonly Param[] = []): Promise<T[]> {
    return (await this.query(sql, params)).rows as T[];
  }
  async get<T = Row>(sql: string, params: readonly Param[] = []): Promise<T | undefined> {
    return (await this.query(sql, params)).rows[0] as T | undefined;
  }
  async run(sql: string, params: readonly Param[] = []): Promise<{ changes: number }> {
    return { changes: (await this.query(sql, params)).rowCount ?? 0 };
  }
  async exec(sql: string): Promise<void> {
    try {
      await this.q.query(sql);
    } catch (e) {
      throw wrap(e, this.describe);
    }
  }
  async batch(stmts: readonly (readonly [string, readonly Param[]])[]): Promise<{ changes: number; lastId: number | null }[]> {
    const runAll = async (db: SqlDb) => {
      const out: { changes: number; lastId: number | null }[] = [];
      for (const [sql, p] of stmts) out.push({ changes: (await db.run(sql, p)).changes, lastId: null });
      return out;
    };
    return stmts.length === 1 ? runAll(this) : this.tx(runAll);
  }
  // One statement per chunk: one array parameter per column, unnest()ed server-side.
  // Far cheaper to parse and bind than multi-row VALUES with a parameter per cell.
  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly Param[])[]): Promise<void> {
    if (rows.length === 0) return;
    const types = await this.columnTypes(table);
    const casts = columns.map((c, j) => {
      const t = types.get(c.replace(/"/g, ''));
      if (!t) throw new PbxbootError('E_INTERNAL', `insertMany: ${table} has no column ${c}`, { value: c });
      return `$${j + 1}::"${t}"[]`;
    });
    const sql = `INSERT INTO ${table} (${columns.join(',')}) SELECT * FROM unnest(${casts.join(',')})`;
    const per = 20000;
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      const arrays = columns.map((_, j) => chunk.map((r) => r[j] ?? null));
      try {
        await this.q.query(sql, arrays);
      } catch (e) {
        throw wrap(e, this.describe);
      }
    }
  }

  private async columnTypes(table: string): Promise<Map<string, string>> {
    const key = table.replace(/"/g, '');
    let m = this.types.get(key);
    if (!m) {
      const r = await this.q.query(
        'SELECT column_name, udt_name FROM information_schema.columns WHERE table_name = $1 AND table_schema = current_schema()',
        [key],
      );
      m = new Map((r.rows as { column_name: string; udt_name: string }[]).map((x) => [x.column_name, x.udt_name]));
      this.types.set(key, m);
    }
    return m;
  }

  async tx<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T> {
    if (!this.pool) return fn(this);
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw wrap(e, this.describe);
    }
    try {
      await client.query('BEGIN');
      const out = await fn(new PostgresDb(client, this.describe, null, this.types));
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    if (this.pool) await this.pool.end();
  }
}

function wrap(e: unknown, where: string): unknown {
  if (e instanceof PbxbootError) return e;
  const err = e as { code?: string; message?: string };
  // Connection-level failures are E_DB; constraint violations keep their pg code for callers.
  if (err.code === '23505') return new PbxbootError('E_CONFLICT', err.message ?? 'duplicate', { cause: e });
  if (err.code && /^[0-9A-Z]{5}$/.test(err.code) && !err.code.startsWith('08') && !err.code.startsWith('57')) return e;
  return new PbxbootError('E_DB', `database ${where} unreachable: ${err.message ?? String(e)}`, { value: where, cause: e });
}

/** Opens a pool and checks it answers, so a bad URL fails here with a clear message. */
export async function openPostgres(url: string, opts: { max?: number; appName?: string } = {}): Promise<SqlDb> {
  const describe = redactUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    application_name: opts.appName ?? 'pbxboot',
    connectionTimeoutMillis: 5000,
  });
  pool.on('error', () => undefined); // idle-client errors surface on the next query instead
  try {
    await pool.query('SELECT 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new PbxbootError('E_DB', `cannot connect to PostgreSQL ${describe}: ${(e as Error).message}`, {
      value: describe,
      cause: e,
    });
  }
  return new PostgresDb(pool, describe, pool);
}

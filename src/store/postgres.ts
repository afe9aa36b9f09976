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
  async insertMany(table: string, columns: readonly string[], rows: readonly (readonly Param[])[]): Promise<void> {
    // Stay under PostgreSQL's 65535 bind parameters per statement.
    const per = Math.max(1, Math.floor(60000 / columns.length));
    for (let i = 0; i < rows.length; i += per) {
      const chunk = rows.slice(i, i + per);
      const params: Param[] = [];
      const values = chunk.map((r) => {
        const base = params.length;
        params.push(...r);
        return `(${r.map((_, j) => `$${base + j + 1}`).join(',')})`;
      });
      try {
        await this.q.query(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}`, params as unknown[]);
      } catch (e) {
        throw wrap(e, this.describe);
      }
    }
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
      const out = await fn(new PostgresDb(client, this.describe, null));
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

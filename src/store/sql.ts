// One SQL interface over both databases (kysely's idea, much smaller): the
// repositories are written once with `?` placeholders; each adapter translates.
// SQL is kept portable: TEXT, INTEGER, BIGINT, REAL; times are epoch ms in
// BIGINT; booleans are INTEGER 0/1; JSON is TEXT.

export type Dialect = 'sqlite' | 'postgres';
export type Row = Record<string, unknown>;
export type Param = string | number | bigint | null | boolean | Buffer;

export interface SqlDb {
  readonly dialect: Dialect;
  /** A short description for messages, with any password redacted. */
  readonly describe: string;
  all<T = Row>(sql: string, params?: readonly Param[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: readonly Param[]): Promise<T | undefined>;
  run(sql: string, params?: readonly Param[]): Promise<{ changes: number }>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction; everything inside uses `tx`. Rolled back on throw. */
  tx<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T>;
  /**
   * Writes the statements atomically and resolves once they are committed; outside a transaction the commit may be
   * shared with other callers' batches (SQLite: a writer thread's group commit). lastId: the last rowid inserted.
   * `urgent`: someone waits on this commit (a DHCP ACK): on SQLite it commits on the caller's connection at once
   * instead of joining the writer thread's next group commit.
   */
  batch(stmts: readonly (readonly [string, readonly Param[]])[], opts?: { urgent?: boolean }): Promise<{ changes: number; lastId: number | null }[]>;
  /** Inserts many rows of one shape efficiently (multi-row VALUES), inside the caller's tx if any. */
  insertMany(table: string, columns: readonly string[], rows: readonly (readonly Param[])[]): Promise<void>;
  close(): Promise<void>;
}

/** A numbered migration; `sql` may differ per dialect. */
export interface Migration {
  id: number;
  name: string;
  sql: string | Record<Dialect, string>;
}

/** `(?,…,?)` repeated for a multi-row VALUES list. */
export function valuesList(rows: number, cols: number): string {
  const one = `(${Array.from({ length: cols }, () => '?').join(',')})`;
  return Array.from({ length: rows }, () => one).join(',');
}

/**
 * Cuts `count` rows into runs of fixed sizes, largest first (sizes must end with 1), so a handful of cached
 * statement texts cover a batch of any length: 7 rows with [4, 1] → 4 + 1 + 1 + 1.
 */
export function fixedChunks(count: number, sizes: readonly number[]): { start: number; size: number }[] {
  const out: { start: number; size: number }[] = [];
  let i = 0;
  for (const n of sizes) for (; count - i >= n; i += n) out.push({ start: i, size: n });
  return out;
}

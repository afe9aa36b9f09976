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

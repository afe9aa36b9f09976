// Runs one suite against both databases (STYLE rule 6): SQLite in a temp dir and
// a throwaway PostgreSQL. Fails, never skips, when PostgreSQL is missing.
import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '../../src/store/sqlite.js';
import { openPostgres } from '../../src/store/postgres.js';
import type { SqlDb } from '../../src/store/sql.js';
import { startTestPg } from './pg.js';

export type DbKind = 'sqlite' | 'postgres';

export interface DbFactory {
  kind: DbKind;
  /** a fresh, empty database (closed and removed at teardown) */
  open(): Promise<SqlDb & { url: string }>;
}

export function forEachDb(name: string, suite: (tt: Test, f: DbFactory) => Promise<void>): void {
  t.test(`${name} [sqlite]`, async (tt) => {
    const dir = mkdtempSync(join(tmpdir(), 'pbxboot-sqlite-'));
    const opened: SqlDb[] = [];
    tt.teardown(async () => {
      for (const d of opened) await d.close();
      rmSync(dir, { recursive: true, force: true });
    });
    let n = 0;
    await suite(tt, {
      kind: 'sqlite',
      open: async () => {
        const path = join(dir, `db${n++}.sqlite`);
        const db = Object.assign(openSqlite(path), { url: `sqlite:${path}` });
        opened.push(db);
        return db;
      },
    });
  });
  t.test(`${name} [postgres]`, async (tt) => {
    const opened: SqlDb[] = [];
    const pgs: { stop(): Promise<void> }[] = [];
    tt.teardown(async () => {
      for (const d of opened) await d.close();
      for (const p of pgs) await p.stop();
    });
    await suite(tt, {
      kind: 'postgres',
      open: async () => {
        const pg = await startTestPg();
        pgs.push(pg);
        const db = Object.assign(await openPostgres(pg.url), { url: pg.url });
        opened.push(db);
        return db;
      },
    });
  });
}

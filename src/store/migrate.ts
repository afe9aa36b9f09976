// Numbered migrations: every `migrations/<db>/NNN-name.(ts|js)` default-exports a
// Migration; applied in order, each in its own transaction, recorded in
// schema_migrations_<db>. Files are found at run time so capabilities add their
// own tables without a central list.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PbxbootError } from '../errors.js';
import type { Migration, SqlDb } from './sql.js';

export type MigrationSet = 'state' | 'pbx' | 'events';

const here = dirname(fileURLToPath(import.meta.url));

export async function loadMigrations(set: MigrationSet): Promise<Migration[]> {
  const dir = join(here, 'migrations', set);
  const files = readdirSync(dir).filter((f) => /^\d{3}-.+\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));
  const out: Migration[] = [];
  for (const f of files.sort()) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: Migration };
    out.push(mod.default);
  }
  const ids = out.map((m) => m.id);
  if (new Set(ids).size !== ids.length) throw new PbxbootError('E_INTERNAL', `duplicate ${set} migration ids: ${ids.join(',')}`);
  return out.sort((a, b) => a.id - b.id);
}

/** Applies pending migrations; returns the ids applied. Safe to call on every start. */
export async function migrate(db: SqlDb, set: MigrationSet): Promise<number[]> {
  const table = `schema_migrations_${set}`;
  await db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`);
  const done = new Set((await db.all<{ id: number }>(`SELECT id FROM ${table}`)).map((r) => Number(r.id)));
  const applied: number[] = [];
  for (const m of await loadMigrations(set)) {
    if (done.has(m.id)) continue;
    const sql = typeof m.sql === 'string' ? m.sql : m.sql[db.dialect];
    await db.tx(async (tx) => {
      // Another pbxboot may migrate the same shared database concurrently.
      if (db.dialect === 'postgres') await tx.exec(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
      const again = await tx.get(`SELECT id FROM ${table} WHERE id = ?`, [m.id]);
      if (again) return;
      await tx.exec(sql);
      await tx.run(`INSERT INTO ${table} (id, name, applied_at) VALUES (?, ?, ?)`, [m.id, m.name, Date.now()]);
      applied.push(m.id);
    });
  }
  return applied;
}

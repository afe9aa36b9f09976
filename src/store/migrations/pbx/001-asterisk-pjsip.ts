// PBX DB: Asterisk's PJSIP realtime tables with Asterisk's own column names and
// types (see asterisk-pjsip-columns.ts). Idempotent (IF NOT EXISTS) so a database
// already made by Asterisk's alembic is adopted, not clobbered.
import type { Migration } from '../../sql.js';
import { enums, indexes, tables } from '../../asterisk-pjsip-columns.js';

const q = (name: string) => `"${name}"`;
const lit = (v: string) => `'${v.replace(/'/g, "''")}'`;

function columnType(col: string, type: string, dialect: 'sqlite' | 'postgres'): string {
  if (!type.startsWith('enum:')) return type;
  const name = type.slice(5);
  const values = enums[name];
  if (!values) throw new Error(`unknown enum ${name}`);
  if (dialect === 'postgres') return name;
  // SQLite has no enum type: a CHECK keeps the same set of values (what SQLAlchemy
  // does for a non-native Enum), the width is the longest value. `IS NULL OR` first:
  // SQLite builds a temporary index for every `IN (list)` it evaluates, and with
  // ~100 enum columns (nearly all NULL) that made an insert cost 105 µs instead of 6.
  const width = Math.max(...values.map((v) => v.length));
  return `VARCHAR(${width}) CHECK (${q(col)} IS NULL OR ${q(col)} IN (${values.map(lit).join(', ')}))`;
}

export function pjsipSql(dialect: 'sqlite' | 'postgres'): string {
  const out: string[] = [];
  if (dialect === 'postgres') {
    // ast_bool_values holds 'true'/'false', which is what Asterisk itself writes.
    for (const [name, values] of Object.entries(enums)) {
      out.push(
        `DO $$ BEGIN CREATE TYPE ${name} AS ENUM (${values.map(lit).join(', ')}); ` +
          `EXCEPTION WHEN duplicate_object THEN NULL; END $$;`,
      );
    }
  }
  for (const [table, cols] of Object.entries(tables)) {
    const defs = cols.map(([c, t]) => (c === 'id' ? `  id VARCHAR(255) NOT NULL UNIQUE` : `  ${q(c)} ${columnType(c, t, dialect)}`));
    out.push(`CREATE TABLE IF NOT EXISTS ${table} (\n${defs.join(',\n')}\n);`);
  }
  for (const [name, table, cols] of indexes) {
    out.push(`CREATE INDEX IF NOT EXISTS ${name} ON ${table} (${cols.map(q).join(', ')});`);
  }
  return out.join('\n');
}

const migration: Migration = {
  id: 1,
  name: 'asterisk-pjsip',
  sql: { sqlite: pjsipSql('sqlite'), postgres: pjsipSql('postgres') },
};
export default migration;

// STYLE rule 1 for src/dhcp: every module except the socket adapters and the SQL store is pure (no I/O imports).
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../../src/dhcp/', import.meta.url).pathname;
const adapters = new Set(['server.ts', 'udp-socket.ts', 'lease-sql.ts']);
const forbidden = /^(node:)?(dgram|net|http|https|fs|fs\/promises|child_process)$|^(pg|better-sqlite3|ari-client|execa|ws)$/;
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !adapters.has(f));
t.ok(files.length >= 9, `${files.length} pure modules`);
for (const f of [...files, '../boot/bootfile.ts']) {
  const text = readFileSync(dir + f, 'utf8');
  const imports = [...text.matchAll(/from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);
  t.same(imports.filter((m) => forbidden.test(m) || m.includes('/store/sqlite') || m.includes('/store/postgres')), [], `${f} imports no I/O`);
}

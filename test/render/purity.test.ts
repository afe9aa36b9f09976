// STYLE rule 1 for src/render: everything but the template loader is pure.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('../../src/render', import.meta.url));
const forbidden = /^(node:)?(dgram|net|http|https|fs|fs\/promises|child_process)$|^(pg|better-sqlite3|ari-client|execa|ws)$/;

t.test('render modules import no I/O (templates.ts is the adapter)', async (t) => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'templates.ts' && f !== 'index.ts');
  t.ok(files.length >= 7, `${files.length} modules`);
  for (const f of [...files, '../store/pbx-names.ts', '../store/asterisk-pjsip-columns.ts']) {
    const text = readFileSync(join(dir, f), 'utf8');
    const mods = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
    t.same(mods.filter((m) => forbidden.test(m)), [], `${f} is pure`);
  }
});

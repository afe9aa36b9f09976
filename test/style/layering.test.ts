// STYLE rule 1: codecs and policies import no I/O. Scans the sources, so a new
// codec or policy that reaches for a socket, file, database or process fails here.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const src = fileURLToPath(new URL('../../src', import.meta.url));
const forbidden = /^(node:)?(dgram|net|http|https|fs|fs\/promises|child_process)$|^(pg|better-sqlite3|ari-client|execa|ws)$/;

// Pure modules by name: codecs, policies and other decision code.
const pureFile = /(^|\/)(codec|codecs|facts|policy|options|bootfile|session|paths|balance[^/]*|mac|event|bus|errors|schema|keys|router|query|agent-state|backoff|redact|messages|conf-parser|validate[^/]*|agents-csv)\.ts$|^cluster\/nodes\.ts$|\/codec\/|\/policy\//;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const importsOf = (text: string): string[] =>
  [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!);

t.test('codec and policy modules import no I/O module', async (t) => {
  const files = walk(src).filter((f) => pureFile.test(relative(src, f)));
  t.ok(files.length >= 5, `found ${files.length} pure modules to check`);
  for (const f of files) {
    const bad = importsOf(readFileSync(f, 'utf8')).filter((m) => forbidden.test(m));
    t.same(bad, [], `${relative(src, f)} imports no I/O`);
  }
});

t.test('the scanner itself catches an I/O import', async (t) => {
  t.same(importsOf("import dgram from 'node:dgram';\nimport { x } from './y.js';").filter((m) => forbidden.test(m)), ['node:dgram']);
  t.same(importsOf("const pg = await import('pg');").filter((m) => forbidden.test(m)), ['pg']);
});

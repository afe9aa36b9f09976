// House rule 1: the TFTP codec and policies import no sockets, files, processes or databases.
import t from 'tap';
import { readFileSync } from 'node:fs';

const pure = ['packet', 'negotiate', 'netascii', 'session', 'paths', 'admission'];
const forbidden = /from\s+['"](node:)?(dgram|net|http|https|fs|fs\/promises|child_process)['"]|from\s+['"](pg|better-sqlite3|ari-client|execa)['"]/;

for (const f of pure) {
  const src = readFileSync(new URL(`../../src/tftp/${f}.ts`, import.meta.url), 'utf8');
  t.notOk(forbidden.test(src), `src/tftp/${f}.ts imports no adapter modules`);
}

// Agents CSV: typed rows, or a refusal naming line and column for every problem.
import t from 'tap';
import { parseAgentsCsv } from '../../src/render/agents-csv.js';
import type { PbxbootError } from '../../src/errors.js';

const header = 'id,extension,name,tenant,department';

t.test('parses, with quoting, BOM, optional secret and empty lines', async (t) => {
  const rows = parseAgentsCsv(`\uFEFF${header},secret\n1001,1001,"Doe, Ann",acme,sales,s3cret-long\n\n1002,1002,Bo,acme,,\n`);
  t.same(rows, [
    { id: '1001', extension: '1001', name: 'Doe, Ann', tenant: 'acme', department: 'sales', secret: 's3cret-long' },
    { id: '1002', extension: '1002', name: 'Bo', tenant: 'acme', department: '', secret: null },
  ]);
  t.same(parseAgentsCsv(`department,tenant,name,extension,id\nd,acme,N,7,a7\n`), [{ id: 'a7', extension: '7', name: 'N', tenant: 'acme', department: 'd', secret: null }], 'any column order');
});

function problems(text: string) {
  try {
    parseAgentsCsv(text);
  } catch (e) {
    const err = e as PbxbootError;
    return { code: err.code, message: err.message, value: err.value as { line: number; column: number | null; field: string | null }[] };
  }
  throw new Error('expected a refusal');
}

const cases: [string, string, { line: number; column?: number | null; field?: string | null }[]][] = [
  ['empty file', '', [{ line: 1, column: null }]],
  ['missing column', 'id,extension,name,tenant\n', [{ line: 1, column: null, field: 'department' }]],
  ['unknown column', `${header},colour\n`, [{ line: 1, column: 6, field: 'colour' }]],
  ['bad extension', `${header}\n1,1,a,acme,x\n2,2 2,b,acme,x\n`, [{ line: 3, column: 2, field: 'extension' }]],
  ['empty id', `${header}\n,1,a,acme,x\n`, [{ line: 2, column: 1, field: 'id' }]],
  ['bad tenant', `${header}\n1,1,a,Acme Corp,x\n`, [{ line: 2, column: 4, field: 'tenant' }]],
  ['short secret', `${header},secret\n1,1,a,acme,x,short\n`, [{ line: 2, column: 6, field: 'secret' }]],
  ['field count', `${header}\n1,1,a,acme\n`, [{ line: 2, column: 5 }]],
  ['duplicate id', `${header}\n1,1,a,acme,x\n1,2,b,acme,x\n`, [{ line: 3, column: 1, field: 'id' }]],
  ['duplicate extension in a tenant', `${header}\n1,1,a,acme,x\n2,1,b,acme,x\n3,1,c,other,x\n`, [{ line: 3, column: 2, field: 'extension' }]],
  ['unclosed quote', `${header}\n1,"1,a,acme,x\n`, [{ line: 2 }]],
  // Lines are the file's, not record numbers: empty lines are skipped but counted.
  ['line numbers count skipped empty lines', `${header}\n\n1,1,a,acme,x\n\n\n2,2,b,acme,x,\n`, [{ line: 6, column: 6 }]],
];
for (const [name, text, want] of cases) {
  t.test(name, async (t) => {
    const p = problems(text);
    t.equal(p.code, 'E_CSV');
    t.match(p.message, /nothing imported/);
    t.match(p.value, want);
    t.equal(p.value.length, want.length, 'exactly these problems');
  });
}

t.test('every problem of the file is reported, all-or-nothing', async (t) => {
  const p = problems(`${header}\n1,1,a,acme,x\nbad id,2,b,acme,x\n3,3,c,ACME,x\n`);
  t.same(p.value.map((x) => [x.line, x.column]), [[3, 1], [4, 4]]);
});

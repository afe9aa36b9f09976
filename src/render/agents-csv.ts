// Parses an agents CSV (id, extension, name, tenant, department[, secret]) into
// typed rows. Pure; all-or-nothing: any bad line fails the whole file, and every
// error names its line and column (csv-parse's sync API does the CSV grammar).
import { parse } from 'csv-parse/sync';
import { PbxbootError } from '../errors.js';
import type { AgentInput } from './agent-pjsip.js';

export interface CsvProblem {
  line: number;
  column: number | null;
  field: string | null;
  message: string;
}

const required = ['id', 'extension', 'name', 'tenant', 'department'] as const;
const optional = ['secret'] as const;
type Field = (typeof required)[number] | (typeof optional)[number];

// Limits follow the ps_* column widths the values land in (ps_auths.username
// VARCHAR(40), password VARCHAR(80), tenantid VARCHAR(80)).
const rules: Record<Field, { re: RegExp; what: string; optional?: boolean }> = {
  id: { re: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, what: '1-40 of letters, digits, _ . - (it is the SIP user name)' },
  extension: { re: /^[A-Za-z0-9*#+_-]{1,40}$/, what: '1-40 of letters, digits, * # + _ -' },
  name: { re: /^[^\r\n\t"<>]{0,80}$/, what: 'at most 80 characters, no quotes, < or >', optional: true },
  tenant: { re: /^[a-z0-9][a-z0-9_-]{0,79}$/, what: 'a tenant name: lower case letters, digits, _ -' },
  department: { re: /^[^\r\n\t]{0,80}$/, what: 'at most 80 characters on one line', optional: true },
  secret: { re: /^[\x21-\x7e]{8,80}$/, what: '8-80 printable characters without spaces', optional: true },
};

export function parseAgentsCsv(text: string, opts: { maxProblems?: number } = {}): AgentInput[] {
  // csv-parse's per-record info (line numbers) costs 0.6 s per 100,000 lines, and
  // line numbers matter only in a refusal: parse without it, and again with it
  // only when the file is refused (grammar errors carry their line either way).
  return parseRecords(text, opts.maxProblems ?? 20, false) ?? parseRecords(text, opts.maxProblems ?? 20, true)!;
}

type Rec = { record: string[]; info: { lines: number } };
const noInfo = { lines: 0 };

/** The agents, or null when `withLines` is false and the file has problems. */
function parseRecords(text: string, max: number, withLines: boolean): AgentInput[] | null {
  let records: Rec[];
  try {
    const base = { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true } as const;
    records = withLines
      ? (parse(text, { ...base, info: true }) as unknown as Rec[])
      : (parse(text, base) as string[][]).map((record) => ({ record, info: noInfo }));
  } catch (e) {
    const err = e as Error & { lines?: number; index?: number };
    const line = err.lines ?? 0;
    throw csvError([{ line, column: err.index === undefined ? null : err.index + 1, field: null, message: err.message }]);
  }
  const problems: CsvProblem[] = [];
  const add = (p: CsvProblem) => problems.length < max && problems.push(p);
  const head = records[0];
  if (!head) throw csvError([{ line: 1, column: null, field: null, message: 'empty file: expected a header line id,extension,name,tenant,department[,secret]' }]);
  const columns = head.record.map((h) => h.toLowerCase());
  const index = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!(required as readonly string[]).includes(c) && !(optional as readonly string[]).includes(c)) add({ line: head.info.lines, column: i + 1, field: c, message: `unknown column "${c}"` });
    else if (index.has(c)) add({ line: head.info.lines, column: i + 1, field: c, message: `column "${c}" appears twice` });
    else index.set(c, i);
  });
  for (const r of required) if (!index.has(r)) add({ line: head.info.lines, column: null, field: r, message: `missing column "${r}"` });
  if (problems.length) return withLines ? fail(problems) : null;

  const out: AgentInput[] = [];
  const ids = new Map<string, number>();
  const exts = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== columns.length) {
      add({ line, column: Math.min(record.length, columns.length) + 1, field: null, message: `${record.length} fields, the header has ${columns.length}` });
      continue;
    }
    const get = (f: Field): string => {
      const i = index.get(f);
      return i === undefined ? '' : record[i]!;
    };
    let bad = false;
    for (const f of [...required, ...optional] as Field[]) {
      const i = index.get(f);
      if (i === undefined) continue;
      const v = record[i]!;
      const rule = rules[f];
      if (v === '' && (rule.optional || f === 'secret')) continue;
      if (!rule.re.test(v)) {
        add({ line, column: i + 1, field: f, message: v === '' ? `${f} is empty` : `${f} "${v}" is not valid: ${rule.what}` });
        bad = true;
      }
    }
    if (bad) continue;
    const id = get('id');
    const tenant = get('tenant');
    const ext = `${tenant}\u0000${get('extension')}`;
    const prevId = ids.get(id);
    if (prevId !== undefined) add({ line, column: index.get('id')! + 1, field: 'id', message: `id "${id}" already on line ${prevId}` });
    const prevExt = exts.get(ext);
    if (prevExt !== undefined) add({ line, column: index.get('extension')! + 1, field: 'extension', message: `extension "${get('extension')}" of tenant "${tenant}" already on line ${prevExt}` });
    ids.set(id, line);
    exts.set(ext, line);
    const secret = get('secret');
    out.push({ id, extension: get('extension'), name: get('name'), tenant, department: get('department'), secret: secret === '' ? null : secret });
  }
  if (problems.length) return withLines ? fail(problems) : null;
  return out;
}

function fail(problems: CsvProblem[]): never {
  throw csvError(problems);
}

function csvError(problems: CsvProblem[]): PbxbootError {
  const shown = problems
    .slice(0, 5)
    .map((p) => `line ${p.line}${p.column === null ? '' : `, column ${p.column}`}${p.field ? ` (${p.field})` : ''}: ${p.message}`)
    .join('; ');
  const more = problems.length > 5 ? ` (+${problems.length - 5} more)` : '';
  return new PbxbootError('E_CSV', `agents CSV refused, nothing imported: ${shown}${more}`, { value: problems });
}

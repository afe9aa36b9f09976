// `npm run bench [-- [--quick] [name...]]`: runs bench/*.bench.ts (or the named
// ones) one after another and prints one table, pbxboot beside its peers.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Bench, BenchRow } from './types.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const names = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => names.length === 0 || names.includes(f.replace(/\.bench\.ts$/, '')))
  .sort();

const fmt = (n: number | null | undefined): string =>
  n === null || n === undefined ? '-' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);

function ratio(r: BenchRow, peer: number | null | undefined): string {
  if (r.pbxboot === null || peer === null || peer === undefined || peer === 0 || r.pbxboot === 0) return '';
  const x = r.higherIsBetter ? r.pbxboot / peer : peer / r.pbxboot;
  return `${x.toFixed(2)}×`;
}

const rows: BenchRow[] = [];
const failures: string[] = [];
for (const f of files) {
  const name = f.replace(/\.bench\.ts$/, '');
  process.stderr.write(`\n== bench ${name}${quick ? ' (quick)' : ''}\n`);
  try {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: Bench };
    rows.push(...(await mod.default({ quick, log: (l) => process.stderr.write(`   ${l}\n`) })));
  } catch (e) {
    failures.push(`${name}: ${(e as Error).stack ?? String(e)}`);
    process.stderr.write(`   FAILED: ${(e as Error).message}\n`);
  }
}

const table: string[][] = [['group', 'metric', 'unit', 'pbxboot', 'peer', 'peer value', 'pbxboot vs peer', 'note']];
for (const r of rows) {
  const peers = Object.entries(r.peers ?? {});
  if (peers.length === 0) table.push([r.group, r.metric, r.unit, fmt(r.pbxboot), '', '', '', r.note ?? '']);
  peers.forEach(([p, v], i) =>
    table.push(i === 0 ? [r.group, r.metric, r.unit, fmt(r.pbxboot), p, fmt(v), ratio(r, v), r.note ?? ''] : ['', '', '', '', p, fmt(v), ratio(r, v), '']),
  );
}
const w = table[0]!.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
process.stdout.write('\n' + table.map((row) => row.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()).join('\n') + '\n');
process.stdout.write('\n(ratio > 1× means pbxboot is better: faster, or higher throughput)\n');
if (failures.length) {
  process.stderr.write(`\n${failures.length} benchmark(s) failed:\n${failures.join('\n')}\n`);
  process.exitCode = 1;
}

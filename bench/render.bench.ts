// Render + validate one node's Asterisk bundle (p50/p99), register a node, and
// import 100,000 agents into the PBX DB on SQLite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderNodeBundle } from '../src/render/bundle.js';
import { loadAsteriskTemplates } from '../src/render/templates.js';
import { openSqlite } from '../src/store/sqlite.js';
import { openPostgres } from '../src/store/postgres.js';
import { migrate } from '../src/store/migrate.js';
import { PbxRepo } from '../src/store/pbx.js';
import type { SqlDb } from '../src/store/sql.js';
import type { AgentInput } from '../src/render/agent-pjsip.js';
import { parseAgentsCsv } from '../src/render/agents-csv.js';
import { startTestPg } from '../test/helpers/pg.js';
import { representativeNode } from '../test/render/fixtures.js';
import type { Bench, BenchRow } from './types.js';

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function renderTimes(n: number, mode: 'realtime' | 'static', agents: number): number[] {
  const templates = loadAsteriskTemplates();
  const input = representativeNode(mode);
  if (mode === 'static') {
    input.agents = Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, extension: String(10000 + i), name: `Agent ${i}`, tenant: 'acme', department: 'sales', secret: `secret-${i}` }));
  }
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const b = renderNodeBundle(input, { templates, peers: [{ id: 'pbx02', systemname: 'pbx02', entityid: '02:00:00:00:00:02' }] });
    times.push(performance.now() - t0);
    if (!b.validation.ok) throw new Error(JSON.stringify(b.validation.failures));
  }
  return times;
}

async function storeFigures(db: SqlDb, total: number): Promise<{ importMs: number; reimportMs: number; registerMs: number }> {
  await migrate(db, 'pbx');
  const repo = new PbxRepo(db, { codecs: ['ulaw', 'alaw'] });
  // What `pbxboot agents import` does server-side: parse and check the CSV, then write.
  const csv = ['id,extension,name,tenant,department', ...Array.from({ length: total }, (_, i) => `a${i},${100000 + i},Agent ${i},acme,sales`)].join('\n');
  const t0 = performance.now();
  const agents: AgentInput[] = parseAgentsCsv(csv);
  await repo.importAgents(agents);
  const importMs = performance.now() - t0;
  // Re-import with every agent changed (the CSV edited wholesale): the upsert path.
  const t1 = performance.now();
  await repo.importAgents(agents.map((a) => ({ ...a, name: `Renamed ${a.name}` })));
  const reimportMs = performance.now() - t1;
  const regs: number[] = [];
  for (let i = 0; i < 10; i++) {
    const r0 = performance.now();
    await repo.registerNode({ id: `n${i}`, name: `n${i}`, tenant: 'acme', address: `10.0.1.${i + 1}`, sipPort: 5060, ariUrl: `http://10.0.1.${i + 1}:8088/ari`, ariUser: 'pbxboot', capacity: 1, systemname: `n${i}`, entityid: `02:00:00:00:01:${(i + 1).toString(16).padStart(2, '0')}`, setid: 1 });
    regs.push(performance.now() - r0);
  }
  return { importMs, reimportMs, registerMs: pct(regs, 0.5) };
}

const bench: Bench = async ({ quick, log }) => {
  const n = quick ? 200 : 2000;
  const rt = renderTimes(n, 'realtime', 0);
  const st = renderTimes(quick ? 50 : 300, 'static', 200);
  log(`render+validate realtime: p50 ${pct(rt, 0.5).toFixed(3)} ms, p99 ${pct(rt, 0.99).toFixed(3)} ms (${n} runs)`);
  log(`render+validate static with 200 agents: p50 ${pct(st, 0.5).toFixed(3)} ms, p99 ${pct(st, 0.99).toFixed(3)} ms`);

  const total = quick ? 20_000 : 100_000;
  const dir = mkdtempSync(join(tmpdir(), 'pbxboot-bench-pbx-'));
  const sqlite = openSqlite(join(dir, 'pbx.db'));
  const s = await storeFigures(sqlite, total);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  log(`sqlite: import ${total} agents ${s.importMs.toFixed(0)} ms, re-import (all changed) ${s.reimportMs.toFixed(0)} ms, register node p50 ${s.registerMs.toFixed(2)} ms`);
  const pg = await startTestPg();
  let p: { importMs: number; reimportMs: number; registerMs: number };
  try {
    const db = await openPostgres(pg.url);
    p = await storeFigures(db, total);
    await db.close();
  } finally {
    await pg.stop();
  }
  log(`postgres: import ${total} agents ${p.importMs.toFixed(0)} ms, re-import (all changed) ${p.reimportMs.toFixed(0)} ms, register node p50 ${p.registerMs.toFixed(2)} ms`);
  const rows: BenchRow[] = [
    { group: 'render', metric: 'render+validate one node, realtime p50 (target < 5)', unit: 'ms', pbxboot: pct(rt, 0.5) },
    { group: 'render', metric: 'render+validate one node, realtime p99', unit: 'ms', pbxboot: pct(rt, 0.99) },
    { group: 'render', metric: 'render+validate, static with 200 agents p50', unit: 'ms', pbxboot: pct(st, 0.5) },
    { group: 'render', metric: `import ${total.toLocaleString('en')} agents from CSV, PostgreSQL (target < 10000)`, unit: 'ms', pbxboot: p.importMs, peers: { SQLite: s.importMs } },
    { group: 'render', metric: `re-import ${total.toLocaleString('en')} agents, all changed, PostgreSQL`, unit: 'ms', pbxboot: p.reimportMs, peers: { SQLite: s.reimportMs } },
    { group: 'render', metric: 'register a node (pbx_nodes, views, dispatcher), PostgreSQL p50', unit: 'ms', pbxboot: p.registerMs, peers: { SQLite: s.registerMs } },
  ];
  return rows;
};
export default bench;

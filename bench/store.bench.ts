// Store throughput: append 100,000 boot events (batched transactions, as the
// event log does) and query one node's latest 1,000, SQLite vs PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqlite } from '../src/store/sqlite.js';
import { openPostgres } from '../src/store/postgres.js';
import { migrate } from '../src/store/migrate.js';
import { EventsRepo } from '../src/store/events-repo.js';
import type { SqlDb } from '../src/store/sql.js';
import type { BootEventInput } from '../src/events/event.js';
import { startTestPg } from '../test/helpers/pg.js';
import type { Bench, BenchRow } from './types.js';

async function measure(db: SqlDb, total: number, batch: number): Promise<{ appendMs: number; queryMs: number }> {
  await migrate(db, 'state');
  const repo = new EventsRepo(db);
  const nodes = Array.from({ length: 50 }, (_, i) => `node-${i}`);
  const t0 = performance.now();
  for (let i = 0; i < total; i += batch) {
    const evs: BootEventInput[] = [];
    for (let j = i; j < Math.min(total, i + batch); j++) {
      evs.push({ time: 1_700_000_000_000 + j, node: nodes[j % nodes.length]!, mac: `52:54:00:00:${(j % 256).toString(16).padStart(2, '0')}:01`, stage: 'dhcp.discover', detail: { xid: j, arch: 7 } });
    }
    await repo.append(evs);
  }
  const appendMs = performance.now() - t0;
  const times: number[] = [];
  for (let k = 0; k < 20; k++) {
    const q0 = performance.now();
    const r = await repo.query({ node: 'node-7', limit: 1000 });
    times.push(performance.now() - q0);
    if (r.length !== 1000) throw new Error(`expected 1000 events, got ${r.length}`);
  }
  times.sort((a, b) => a - b);
  return { appendMs, queryMs: times[Math.floor(times.length / 2)]! };
}

const bench: Bench = async ({ quick, log }) => {
  const total = quick ? 20_000 : 100_000;
  const batch = 2000; // the event log's maxBatch
  const dir = mkdtempSync(join(tmpdir(), 'pbxboot-bench-'));
  const sqlite = openSqlite(join(dir, 'state.db'));
  const s = await measure(sqlite, total, batch);
  await sqlite.close();
  rmSync(dir, { recursive: true, force: true });
  log(`sqlite: append ${total} in ${s.appendMs.toFixed(0)} ms, latest 1000 for one node ${s.queryMs.toFixed(2)} ms`);
  const pg = await startTestPg();
  let p: { appendMs: number; queryMs: number };
  try {
    const db = await openPostgres(pg.url);
    p = await measure(db, total, batch);
    await db.close();
  } finally {
    await pg.stop();
  }
  log(`postgres: append ${total} in ${p.appendMs.toFixed(0)} ms, latest 1000 for one node ${p.queryMs.toFixed(2)} ms`);
  const rows: BenchRow[] = [
    { group: 'store', metric: `append ${total.toLocaleString('en')} events (SQLite; target < 2000)`, unit: 'ms', pbxboot: s.appendMs, peers: { PostgreSQL: p.appendMs } },
    { group: 'store', metric: 'latest 1,000 events of one node, p50 (SQLite; target < 20)', unit: 'ms', pbxboot: s.queryMs, peers: { PostgreSQL: p.queryMs } },
  ];
  return rows;
};
export default bench;

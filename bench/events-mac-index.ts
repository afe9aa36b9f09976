// Development tool for the netboot log's MAC index (migration state/007): CPU per row of the log's own append
// (EventsRepo.appendEncoded) once the log already holds `rows` events, for the index keyed by MAC first (before
// state/007), by span first (now), and none. Commits of 3,200 rows, as at 8,000 DORA/s (100 ms storm windows), four
// rows per DORA of a client drawn at random from `clients`, as perfdhcp draws them.
// `node --import tsx bench/events-mac-index.ts [rows] [clients]`
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventRows } from '../src/events/event-rows.js';
import { loadMigrations } from '../src/store/migrate.js';
import { EventsRepo } from '../src/store/events-repo.js';
import type { Param, SqlDb } from '../src/store/sql.js';

const rows = Number(process.argv[2] ?? 600_000);
const clients = Number(process.argv[3] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'pbx-macidx-'));
const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');
const macOf = (i: number) => `02:00:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
const detail = { xid: 12345678, arch: 7, firmware: 'uefi', vendorClass: 'PXEClient:Arch:00007:UNDI:003016', ipxe: false, relay: '10.90.0.2', agentInfo: false };

async function run(layout: 'mac first' | 'span first' | 'none'): Promise<number> {
  const db = new Database(join(dir, `${layout}.db`));
  db.pragma('page_size = 16384'); // SQLITE_FILES.events
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('cache_size = -16384');
  for (const m of await loadMigrations('events')) if (layout !== 'mac first' || m.id < 3) db.exec(typeof m.sql === 'string' ? m.sql : m.sql.sqlite);
  if (layout === 'none') db.exec('DROP INDEX boot_events_mac_span');
  // The repo's own statement on this connection, one transaction a batch.
  const prepared = new Map<string, Database.Statement>();
  const prep = (sql: string) => prepared.get(sql) ?? prepared.set(sql, db.prepare(sql)).get(sql)!;
  const batch = db.transaction((stmts: readonly (readonly [string, readonly Param[]])[]) =>
    stmts.map(([sql, p]) => {
      const r = prep(sql).run(...p);
      return { changes: r.changes, lastId: Number(r.lastInsertRowid) };
    }),
  );
  const repo = new EventsRepo({ dialect: 'sqlite', batch: async (stmts: readonly (readonly [string, readonly Param[]])[]) => batch(stmts) } as unknown as SqlDb);
  const encoded = new EventRows();
  const commit = async (doras: number) => {
    for (let k = 0; k < doras; k++) {
      const mac = macOf(Math.floor(Math.random() * clients));
      for (const stage of ['dhcp.discover', 'dhcp.offer', 'dhcp.request', 'dhcp.ack']) encoded.push({ stage, level: 'info', mac, node: mac, detail }, Date.now());
    }
    await repo.appendEncoded(encoded.take()!, { events: false });
  };
  for (let done = 0; done < rows; done += 20_000) await commit(5_000);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const measured = 50;
  const u0 = process.cpuUsage();
  for (let i = 0; i < measured; i++) await commit(800);
  const u = process.cpuUsage(u0);
  db.close();
  return (u.user + u.system) / (measured * 3_200);
}

try {
  const out: string[] = [];
  for (const layout of ['mac first', 'span first', 'none'] as const) out.push(`${layout}: ${(await run(layout)).toFixed(2)}`);
  console.log(`netboot log, ${rows} rows before, ${clients} clients, µs of CPU per row by MAC index: ${out.join('  ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// Development tool for the page sizes of new SQLite files (src/store/state-store.ts SQLITE_FILES): CPU per row of the
// two hot writes on the real schemas (migrations), one connection, checkpoints every 500 ms as the checkpointer thread
// does. Lease upserts: 24 random addresses a commit (a 3 ms group commit at 8,000 DORA/s). Netboot log: 1,024 rows a
// commit, four rows per client, shaped like a DORA's. `node --import tsx bench/sqlite-pages.ts [rows] [clients]`.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMigrations, type MigrationSet } from '../src/store/migrate.js';
import { valuesList, type Param, type SqlDb } from '../src/store/sql.js';
import { SqlLeaseStore } from '../src/dhcp/lease-sql.js';
import type { Lease } from '../src/dhcp/leases.js';

const rows = Number(process.argv[2] ?? 400_000);
const clients = Number(process.argv[3] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'pbx-pages-'));
const hex = (n: number) => (n & 255).toString(16).padStart(2, '0');
const macOf = (i: number) => `02:00:00:${hex(i >> 16)}:${hex(i >> 8)}:${hex(i)}`;
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

async function open(set: MigrationSet, pageSize: number): Promise<Database.Database> {
  const db = new Database(join(dir, `${set}-${pageSize}.db`));
  db.pragma(`page_size = ${pageSize}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('wal_autocheckpoint = 0');
  db.pragma('cache_size = -16384');
  for (const m of await loadMigrations(set)) db.exec(typeof m.sql === 'string' ? m.sql : m.sql.sqlite);
  return db;
}

/** Runs `commit` until `rows` rows are written; µs of CPU per row, checkpoints included. */
function measure(db: Database.Database, perCommit: number, commit: () => void): number {
  let last = performance.now();
  const c0 = cpuUs();
  for (let done = 0; done < rows; done += perCommit) {
    commit();
    if (performance.now() - last > 500) (db.pragma('wal_checkpoint(PASSIVE)'), (last = performance.now()));
  }
  return (cpuUs() - c0) / rows;
}

async function leases(pageSize: number): Promise<number> {
  const db = await open('state', pageSize);
  // The server's own statements (SqlLeaseStore.putMany), run on this connection in one transaction a batch.
  const prepared = new Map<string, Database.Statement>();
  const prep = (sql: string) => prepared.get(sql) ?? prepared.set(sql, db.prepare(sql)).get(sql)!;
  const run = db.transaction((stmts: readonly (readonly [string, readonly Param[]])[]) => {
    for (const [sql, p] of stmts) prep(sql).run(...p);
  });
  const sqlDb = { dialect: 'sqlite', batch: async (stmts: readonly (readonly [string, readonly Param[]])[]) => (run(stmts), []) } as unknown as SqlDb;
  const store = new SqlLeaseStore(sqlDb);
  let seq = 0;
  const commit = () => {
    const batch: Lease[] = [];
    for (let k = 0; k < 24; k++) {
      const i = (seq++ * 7919) % clients; // a stride: every address, in an order unlike their keys'
      batch.push({ ip: `10.90.${1 + (i >> 8)}.${i & 255}`, mac: macOf(i), state: 'bound', expiresAt: Date.now() + 3_600_000, clientId: null, hostname: null, updatedAt: Date.now() });
    }
    void store.putMany(batch);
  };
  const us = measure(db, 24, commit);
  db.close();
  return us;
}

async function events(pageSize: number): Promise<number> {
  const db = await open('events', pageSize);
  const insert = db.prepare(`INSERT INTO boot_events (time, mac, node, stage, level, detail) VALUES ${valuesList(256, 6)}`);
  const detail = JSON.stringify({ xid: 12345678, arch: 7, firmware: 'uefi', vendorClass: 'PXEClient:Arch:00007:UNDI:003016', ipxe: false, relay: '10.90.0.2', agentInfo: false, to: '10.90.0.2:67', ms: 0.123, ip: '10.90.1.23' });
  let seq = 0;
  const commit = db.transaction(() => {
    for (let s = 0; s < 4; s++) {
      const p: unknown[] = [];
      for (let k = 0; k < 256; k++) {
        const mac = macOf((seq++ >> 2) % clients);
        p.push(Date.now(), mac, mac, 'dhcp.offer', 'info', detail);
      }
      insert.run(...p);
    }
  });
  const us = measure(db, 1024, commit);
  db.close();
  return us;
}

try {
  for (const [name, run] of [['lease upserts', leases], ['netboot log rows', events]] as const) {
    const out: string[] = [];
    for (const size of [1024, 2048, 4096, 8192, 16_384, 32_768]) out.push(`${size}: ${(await run(size)).toFixed(2)}`);
    console.log(`${name}, ${rows} rows, ${clients} clients, µs of CPU per row by page size: ${out.join('  ')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

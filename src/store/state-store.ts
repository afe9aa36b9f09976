// The state DB (pbxboot's own): opens SQLite or PostgreSQL from one setting,
// migrates, and exposes the repositories.
import { extname, join } from 'node:path';
import { PbxbootError } from '../errors.js';
import type { BootEvent } from '../events/event.js';
import { BootTokensRepo } from './boot-tokens-repo.js';
import { EventsRepo } from './events-repo.js';
import { migrate, type MigrationSet } from './migrate.js';
import { NodesRepo } from './nodes-repo.js';
import { NodeSecretsRepo } from './node-secrets-repo.js';
import { openPostgres } from './postgres.js';
import type { SqlDb } from './sql.js';
import { openSqlite, type SqliteOptions } from './sqlite.js';

export interface StateStore {
  db: SqlDb;
  nodes: NodesRepo;
  events: EventsRepo;
  tokens: BootTokensRepo;
  secrets: NodeSecretsRepo;
  close(): Promise<void>;
}

/**
 * `postgres://…`/`postgresql://…` → PostgreSQL; `sqlite:PATH`, a path, or
 * empty → SQLite (empty = `<dataDir>/state.db`).
 */
export async function openDb(url: string, dataDir: string, defaultFile: string, appName = 'pbxboot', sqlite: SqliteOptions = {}): Promise<SqlDb> {
  const path = sqlitePathOf(url, dataDir, defaultFile);
  return path === null ? openPostgres(url, { appName }) : openSqlite(path, sqlite);
}

/**
 * Page sizes of new SQLite files; a file that exists keeps its own (changing it rewrites the whole file). Measured
 * per row, CPU, on this kind of machine (bench/sqlite-pages.ts): the state DB's hot write is the lease upsert, a few
 * dozen random rows a commit, and every page a commit touches goes to the WAL whole: 2 KiB pages cost ≈ 30 % less
 * than 4 KiB (11.5 against 17.1 µs) while the leases had a MAC index; without it (migration state/006) the upsert
 * costs ≈ 5.4-5.9 µs at any size from 2 to 32 KiB, and 2 KiB stays. The netboot log takes a thousand rows a commit
 * into its indexes at random places, where fewer, fuller pages win: 16 KiB pages cost ≈ 30 % less than 4 KiB at
 * 200,000 rows (2.9 against 4.0 µs, measured with the node index still full, before migration state/005) and
 * ≈ 45 % less at 1.6 million.
 * PostgreSQL and the PBX DB are left as they are.
 */
export const SQLITE_FILES: Record<MigrationSet, SqliteOptions> = {
  state: { pageSize: 2048 },
  events: { pageSize: 16_384 },
  pbx: {},
};

/** The SQLite file a database setting names; null for PostgreSQL. */
export function sqlitePathOf(url: string, dataDir: string, defaultFile: string): string | null {
  if (/^postgres(ql)?:\/\//.test(url)) return null;
  if (url === '' || url === 'sqlite' || url === 'sqlite:') return join(dataDir, defaultFile);
  if (url.startsWith('sqlite:')) return url.slice('sqlite:'.length);
  if (/^[a-z]+:\/\//i.test(url)) {
    throw new PbxbootError('E_CONFIG', `unsupported database URL "${url}": use postgres://… or sqlite:PATH`, { value: url });
  }
  return url;
}

/** Where the store's own events (node changes, written with them) are published: the app's EventBus and StepFeed. */
export interface NodeEventsOut {
  publish(evs: readonly BootEvent[]): void;
}

/** Where a SQLite state DB keeps its netboot log: state.db → state-events.db, beside it. */
export function eventsFileFor(statePath: string): string {
  const ext = extname(statePath);
  return `${statePath.slice(0, statePath.length - ext.length)}-events${ext}`;
}

/**
 * On a SQLite file the netboot log lives in a file of its own with its own writer thread: SQLite has one writer per
 * file, and a DHCP ACK waits for its lease's commit, which otherwise queued behind a commit of a thousand boot
 * events (15-25 ms: ACKs left in bursts that overran clients' sockets). A node change and its event then commit one
 * after the other instead of together. PostgreSQL and in-memory state DBs keep boot_events beside the rest.
 */
export async function openStateStore(
  opts: { url: string; dataDir: string; bus?: NodeEventsOut; migrate?: boolean },
): Promise<StateStore> {
  const db = await openDb(opts.url, opts.dataDir, 'state.db', 'pbxboot', SQLITE_FILES.state);
  let events: SqlDb | null = null;
  try {
    if (opts.migrate !== false) await migrate(db, 'state');
    const path = sqlitePathOf(opts.url, opts.dataDir, 'state.db');
    if (path !== null && path !== ':memory:') {
      const file = eventsFileFor(path);
      events = openSqlite(file, SQLITE_FILES.events);
      await migrate(events, 'events');
      await moveEventsOut(db, file);
    }
  } catch (e) {
    await events?.close();
    await db.close();
    throw e;
  }
  return stateStoreOn(db, opts.bus, events ?? undefined);
}

/** Moves boot events a state DB still holds (written before the log had its own file) there, ids kept. */
async function moveEventsOut(db: SqlDb, file: string): Promise<void> {
  if (!(await db.get('SELECT 1 AS x FROM boot_events LIMIT 1'))) return;
  await db.run("ATTACH DATABASE ? AS netboot_log", [file]);
  try {
    // OR IGNORE: a move cut short by a crash (each file commits on its own) is finished by the next start.
    await db.tx(async (tx) => {
      await tx.exec('INSERT OR IGNORE INTO netboot_log.boot_events SELECT * FROM main.boot_events');
      await tx.exec('DELETE FROM main.boot_events');
    });
  } finally {
    await db.exec('DETACH DATABASE netboot_log');
  }
}

/** The store on open databases; the netboot log on `events` when it has a database of its own. */
export function stateStoreOn(db: SqlDb, bus?: NodeEventsOut, events?: SqlDb): StateStore {
  const log = new EventsRepo(events ?? db, { ownDb: events !== undefined });
  const nodes = new NodesRepo(db, log, bus ? (evs) => bus.publish(evs) : undefined);
  return {
    db,
    nodes,
    events: log,
    tokens: new BootTokensRepo(db),
    secrets: new NodeSecretsRepo(db),
    close: async () => {
      await events?.close();
      await db.close();
    },
  };
}

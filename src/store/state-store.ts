// The state DB (pbxboot's own): opens SQLite or PostgreSQL from one setting,
// migrates, and exposes the repositories.
import { join } from 'node:path';
import { PbxbootError } from '../errors.js';
import type { EventBus } from '../events/bus.js';
import { BootTokensRepo } from './boot-tokens-repo.js';
import { EventsRepo } from './events-repo.js';
import { migrate } from './migrate.js';
import { NodesRepo } from './nodes-repo.js';
import { NodeSecretsRepo } from './node-secrets-repo.js';
import { openPostgres } from './postgres.js';
import type { SqlDb } from './sql.js';
import { openSqlite } from './sqlite.js';

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
export async function openDb(url: string, dataDir: string, defaultFile: string, appName = 'pbxboot'): Promise<SqlDb> {
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, { appName });
  if (url === '' || url === 'sqlite' || url === 'sqlite:') return openSqlite(join(dataDir, defaultFile));
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (/^[a-z]+:\/\//i.test(url)) {
    throw new PbxbootError('E_CONFIG', `unsupported database URL "${url}": use postgres://… or sqlite:PATH`, { value: url });
  }
  return openSqlite(url);
}

export async function openStateStore(
  opts: { url: string; dataDir: string; bus?: EventBus; migrate?: boolean },
): Promise<StateStore> {
  const db = await openDb(opts.url, opts.dataDir, 'state.db');
  try {
    if (opts.migrate !== false) await migrate(db, 'state');
  } catch (e) {
    await db.close();
    throw e;
  }
  return stateStoreOn(db, opts.bus);
}

export function stateStoreOn(db: SqlDb, bus?: EventBus): StateStore {
  const events = new EventsRepo(db);
  const nodes = new NodesRepo(db, events, bus ? (evs) => bus.publish(evs) : undefined);
  return { db, nodes, events, tokens: new BootTokensRepo(db), secrets: new NodeSecretsRepo(db), close: () => db.close() };
}

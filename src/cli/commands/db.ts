// pbxboot db migrate: applies pending migrations to the state and PBX databases.
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { migrate, type MigrationSet } from '../../store/migrate.js';
import { eventsFileFor, openDb, SQLITE_FILES, sqlitePathOf } from '../../store/state-store.js';
import { addConfigFlags, configFlags, type Cli } from '../context.js';

export function registerDb(program: Command, cli: Cli): void {
  const db = program.command('db').description('database maintenance').addHelpText('after', '\nExample:\n  pbxboot db migrate');
  addConfigFlags(
    db
      .command('migrate')
      .description('apply pending migrations to the state DB (and its netboot log file on SQLite) and the PBX DB (also done by serve at start)')
      .option('--json', 'machine-readable output')
      .addHelpText('after', '\nExample:\n  pbxboot db migrate --state-db postgres://pbx@db/pbxboot'),
  ).action(async (opts: Record<string, unknown>, c: Command) => {
    const config = cli.config(c, configFlags(opts));
    const dataDir = resolve(config.dataDir);
    const result: Record<string, { db: string; applied: number[] }> = {};
    // A SQLite state DB keeps its netboot log in a file of its own (state-store.ts); `serve` moves older rows there.
    const statePath = sqlitePathOf(config.stateDb, dataDir, 'state.db');
    const sets: [MigrationSet, string, string][] = [
      ['state', config.stateDb, 'state.db'],
      ...(statePath !== null && statePath !== ':memory:' ? [['events', `sqlite:${eventsFileFor(statePath)}`, ''] as [MigrationSet, string, string]] : []),
      ['pbx', config.pbxDb, 'pbx.db'],
    ];
    for (const [set, url, file] of sets) {
      const d = await openDb(url, dataDir, file, 'pbxboot', SQLITE_FILES[set]);
      try {
        result[set] = { db: d.describe, applied: await migrate(d, set) };
      } finally {
        await d.close();
      }
    }
    const out = cli.out(opts.json === true);
    if (out.json) return out.printJson(result);
    for (const [set, r] of Object.entries(result)) {
      out.print(`${set} db ${r.db}: ${r.applied.length ? `applied ${r.applied.join(', ')}` : 'up to date'}`);
    }
  });
}

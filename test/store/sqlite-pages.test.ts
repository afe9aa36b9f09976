// New SQLite files get the page size their writes measured best with (state-store.ts SQLITE_FILES); a file that
// exists keeps its own, since changing it would rewrite the whole file.
import t from 'tap';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../../src/store/sqlite.js';
import { openStateStore } from '../../src/store/state-store.js';
import { pbx } from '../helpers/cli.js';

const pageSize = (file: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
};

t.test('a new state store: 2 KiB pages for the state DB, 16 KiB for its netboot log', async (t) => {
  const dir = t.testdir({});
  const s = await openStateStore({ url: '', dataDir: dir });
  await s.events.append([{ stage: 'dhcp.discover', mac: '52:54:00:12:34:56', detail: {} }]);
  await s.close();
  t.equal(pageSize(join(dir, 'state.db')), 2048);
  t.equal(pageSize(join(dir, 'state-events.db')), 16_384);
});

t.test('files that exist keep their page size, and their rows', async (t) => {
  const dir = t.testdir({});
  for (const name of ['state.db', 'state-events.db']) {
    const db = new Database(join(dir, name));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE kept (x)');
    db.close();
  }
  const s = await openStateStore({ url: '', dataDir: dir });
  await s.events.append([{ stage: 'dhcp.discover', mac: '52:54:00:12:34:56', detail: {} }]);
  t.equal((await s.events.query({ mac: '52:54:00:12:34:56' })).length, 1);
  await s.close();
  t.equal(pageSize(join(dir, 'state.db')), 4096);
  t.equal(pageSize(join(dir, 'state-events.db')), 4096);
});

t.test('pbxboot db migrate creates the files as serve would', async (t) => {
  const dir = t.testdir({});
  const r = await pbx(['db', 'migrate', '--data-dir', dir]);
  t.equal(r.code, 0, r.stderr);
  t.equal(pageSize(join(dir, 'state.db')), 2048);
  t.equal(pageSize(join(dir, 'state-events.db')), 16_384);
  t.equal(pageSize(join(dir, 'pbx.db')), 4096, 'the PBX DB keeps SQLite\'s default');
});

t.test('a page size SQLite cannot use is refused, naming it', async (t) => {
  const dir = t.testdir({});
  t.throws(() => openSqlite(join(dir, 'x.db'), { pageSize: 3000 }), { code: 'E_DB', message: /page size 3000 for .*x\.db/ });
  t.throws(() => openSqlite(join(dir, 'y.db'), { pageSize: 131_072 }), { code: 'E_DB', message: /page size 131072/ });
  t.notOk(existsSync(join(dir, 'x.db')), 'no file left behind');
});

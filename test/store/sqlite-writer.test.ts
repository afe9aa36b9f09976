// The SQLite writer thread: bulk batches (boot events) are committed by another thread on its own WAL connection and
// read back with the right ids by a fresh store; urgent ones (DHCP leases) commit on the caller's connection; an ACKed
// lease survives a SIGKILL of the server.
import t, { type Test } from 'tap';
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { statSync } from 'node:fs';
import { openSqlite } from '../../src/store/sqlite.js';
import { SqliteWriter } from '../../src/store/sqlite-writer.js';
import { migrate } from '../../src/store/migrate.js';
import { openStateStore, stateStoreOn } from '../../src/store/state-store.js';
import { getOption } from '../../src/dhcp/codec.js';
import { MsgType, Opt } from '../../src/dhcp/options.js';
import { request, TestClient } from '../dhcp/helpers/loopback.js';

/** A migrated state database in the test's own directory, closed at teardown. */
async function stateDb(t: Test): Promise<{ dir: string; path: string; db: ReturnType<typeof openSqlite> }> {
  const dir = t.testdir({});
  const path = join(dir, 'state.db');
  const db = openSqlite(path);
  t.teardown(() => db.close());
  await migrate(db, 'state');
  return { dir, path, db };
}

t.test('a batch is committed by the writer thread while the main thread is blocked', async (t) => {
  const { path, db } = await stateDb(t);
  const store = stateStoreOn(db);
  await store.events.append([{ stage: 'test.warm', detail: {} }]); // starts the thread
  const pending = store.events.append([{ stage: 'test.blocked', mac: '02:00:00:00:00:01', detail: { n: 1 } }]);
  // The main thread does not yield for 3 s: written inline, the row could not exist yet.
  const other = new Database(path, { readonly: true });
  let seen = 0;
  for (const until = Date.now() + 3000; Date.now() < until && seen === 0; ) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    seen = (other.prepare("SELECT COUNT(*) AS n FROM boot_events WHERE stage = 'test.blocked'").get() as { n: number }).n;
  }
  other.close();
  t.equal(seen, 1, 'the row was committed while the main thread never yielded');
  const [ev] = await pending;
  t.equal(ev!.stage, 'test.blocked');
});

t.test('an urgent batch (lease rows an ACK waits for) commits on the caller\'s own connection, checkpointed by a thread', async (t) => {
  const { path, db } = await stateDb(t);
  // data_version changes when another connection commits to the file, never for the connection's own commits.
  const version = async () => (await db.get<{ data_version: number }>('PRAGMA data_version'))!.data_version;
  const insert = 'INSERT INTO dhcp_leases (ip, mac, state, expires_at, client_id, hostname, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)';
  const v0 = await version();
  await db.batch([[insert, ['10.250.0.9', '02:00:00:00:00:09', 'bound', 1, null, null, 1]]], { urgent: true });
  t.equal(await version(), v0, 'committed by this connection, not by the writer thread');
  const other = new Database(path, { readonly: true });
  t.teardown(() => other.close());
  t.equal((other.prepare("SELECT mac FROM dhcp_leases WHERE ip = '10.250.0.9'").get() as { mac: string }).mac, '02:00:00:00:00:09', 'and in the file once it resolves');
  await db.batch([["INSERT INTO boot_events (time, mac, node, stage, level, detail) VALUES (1, NULL, NULL, 'test.bulk', 'info', '{}')", []]]);
  t.not(await version(), v0, 'a bulk batch is still written by the writer thread');
  t.equal((await db.get<{ wal_autocheckpoint: number }>('PRAGMA wal_autocheckpoint'))!.wal_autocheckpoint, 0, 'the connection leaves its checkpoints to a thread');
  const before = statSync(path).size;
  for (let b = 0; b < 40; b++) {
    await db.batch(Array.from({ length: 500 }, (_, i) => [insert, [`10.${b}.${i >> 8}.${i & 255}`, '02:00:00:00:00:0a', 'bound', 1, null, 'x'.repeat(100), 1]] as const), { urgent: true });
  }
  let size = before;
  for (const until = Date.now() + 3000; Date.now() < until && size < before + (2 << 20); ) {
    await new Promise((r) => setTimeout(r, 20));
    size = statSync(path).size;
  }
  t.ok(size >= before + (2 << 20), `the database file grew from ${before} to ${size} bytes while the connection stayed open`);
});

t.test('checkpoints run on their own thread: the writer connection never checkpoints, yet its WAL reaches the file', async (t) => {
  const { path, db } = await stateDb(t);
  const w = new SqliteWriter(path);
  t.teardown(() => w.close());
  t.equal(await w.autocheckpoint(), 0, 'the writer connection leaves checkpoints to the checkpointer thread');
  const before = statSync(path).size;
  const insert = "INSERT INTO boot_events (time, mac, node, stage, level, detail) VALUES (?, '02:00:00:00:00:03', NULL, 'test.ckpt', 'info', '{\"pad\":\"" + 'x'.repeat(200) + "\"}')";
  for (let b = 0; b < 20; b++) await w.write(Array.from({ length: 1000 }, (_, i) => [insert, [b * 1000 + i]] as const));
  let size = before;
  for (const until = Date.now() + 3000; Date.now() < until && size < before + (2 << 20); ) {
    await new Promise((r) => setTimeout(r, 20));
    size = statSync(path).size;
  }
  t.ok(size >= before + (2 << 20), `the database file grew from ${before} to ${size} bytes while the writer connection stayed open`);
});

t.test('events written by the writer thread read back in order with their ids (what /v1/events and pbxboot logs serve)', async (t) => {
  const dir = t.testdir({});
  const a = await openStateStore({ url: `sqlite:${join(dir, 'state.db')}`, dataDir: dir });
  // Several callers at once share group commits; each one's ids must still be its own rows.
  const batches = await Promise.all(
    Array.from({ length: 5 }, (_, b) =>
      a.events.append(Array.from({ length: 300 + b * 37 }, (_, i) => ({ stage: `dhcp.b${b}`, mac: `02:00:00:00:0${b}:${(i % 256).toString(16).padStart(2, '0')}`, detail: { i } }))),
    ),
  );
  await a.close();
  const b = await openStateStore({ url: `sqlite:${join(dir, 'state.db')}`, dataDir: dir });
  t.teardown(() => b.close());
  const rows = await b.events.query({ limit: 100_000 });
  t.equal(rows.length, batches.flat().length, 'every event is stored');
  const byId = new Map(rows.map((r) => [r.id, r]));
  const wrong = batches.flat().filter((e) => {
    const r = byId.get(e.id);
    return !r || r.stage !== e.stage || r.mac !== e.mac || (r.detail as { i: number }).i !== (e.detail as { i: number }).i;
  });
  t.same(wrong, [], 'the ids returned to each caller are those of its rows');
  t.same(batches.map((evs) => evs.map((e) => e.id).every((id, i, all) => i === 0 || id === all[i - 1]! + 1)), [true, true, true, true, true], 'each append got consecutive ids');
});

const child = fileURLToPath(new URL('./helpers/dhcp-crash-child.ts', import.meta.url));

t.test('every ACKed lease is in the database after the server is killed (SIGKILL right after the last ACK)', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'state.db');
  const client = await TestClient.open();
  t.teardown(() => client.sock.close());
  const proc = spawn(process.execPath, ['--import', 'tsx', child, path, String(client.port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void proc.kill('SIGKILL'));
  const [line] = (await once(createInterface({ input: proc.stdout! }), 'line')) as [string];
  const { port } = JSON.parse(line) as { port: number };
  const acked = new Map<string, string>();
  const n = 300;
  const macOf = (i: number) => `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
  const offered = new Map<number, string>();
  for (let i = 0; i < n; i++) client.send(request({ type: MsgType.DISCOVER, mac: macOf(i), xid: i }), port);
  for (let got = 0; got < n; got++) {
    const m = await client.next(5000);
    if (!m) break;
    if (getOption(m, Opt.messageType)?.[0] === MsgType.OFFER) offered.set(m.xid, m.yiaddr);
  }
  t.equal(offered.size, n, 'every client was offered an address');
  for (const [xid, ip] of offered) client.send(request({ type: MsgType.REQUEST, mac: macOf(xid), xid, requested: ip, serverId: '127.0.0.1' }), port);
  for (let got = 0; got < n; got++) {
    const m = await client.next(5000);
    if (!m) break;
    if (getOption(m, Opt.messageType)?.[0] === MsgType.ACK) acked.set(m.yiaddr, macOf(m.xid));
  }
  proc.kill('SIGKILL');
  await once(proc, 'exit');
  t.equal(acked.size, n, 'every client was ACKed');
  const db = new Database(path, { readonly: true });
  const rows = new Map((db.prepare("SELECT ip, mac FROM dhcp_leases WHERE state = 'bound'").all() as { ip: string; mac: string }[]).map((r) => [r.ip, r.mac]));
  db.close();
  const lost = [...acked].filter(([ip, mac]) => rows.get(ip) !== mac);
  t.same(lost, [], 'no ACKed lease is missing after the crash');
});

t.test("a write while another connection holds SQLite's write lock waits on timers, not on the event loop", async (t) => {
  const { path, db } = await stateDb(t);
  const other = new Database(path);
  other.exec('BEGIN IMMEDIATE');
  const started = Date.now();
  const write = db.run("INSERT INTO settings (key, value) VALUES ('k', 'v')");
  t.ok(Date.now() - started < 100, 'the call returned at once instead of sleeping in the busy handler');
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  await new Promise((r) => setTimeout(r, 150));
  t.ok(ticks >= 5, `timers kept running while the lock was held (${ticks})`);
  other.exec('COMMIT');
  other.close();
  await write;
  clearInterval(timer);
  t.same(await db.get('SELECT value FROM settings WHERE key = ?', ['k']), { value: 'v' }, 'the write went through once the lock was free');
  // A transaction waits the same way.
  const lock = new Database(path);
  lock.exec('BEGIN IMMEDIATE');
  const tx = db.tx((x) => x.run("UPDATE settings SET value = 'w' WHERE key = 'k'"));
  await new Promise((r) => setTimeout(r, 50));
  lock.exec('COMMIT');
  lock.close();
  await tx;
  t.same(await db.get('SELECT value FROM settings WHERE key = ?', ['k']), { value: 'w' });
});

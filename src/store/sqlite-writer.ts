// Group-committed SQLite writes on a worker thread with its own connection to the same WAL file: bulk batches (the
// netboot log's boot events, in a file of their own: state-store.ts) are written there, so their index-page and WAL
// work leaves the packet loop; and the checkpointer threads. Urgent batches (DHCP leases) commit on the caller's own
// connection instead (sqlite.ts says why).
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WriteResult {
  changes: number;
  /** the last rowid inserted by the statement (SQLite); null where the database does not say (PostgreSQL) */
  lastId: number | null;
}

/** A statement and its parameters (booleans already as 0/1). */
export type WriteStmt = readonly [string, readonly unknown[]];

// Checkpoints (copying WAL frames into the database file, then fsync) run on a thread of their own: run by SQLite
// on the committing connection, each one held the writer 20-30 ms a few times a second in a boot storm, and the
// lease commits DHCP ACKs wait for behind it. PASSIVE never blocks the writer. It copies every frame, but the log
// only starts over when a write begins after a complete checkpoint, i.e. once writes pause: in a storm the WAL grows
// (≈ 18 MB/s at 7,000 DORA/s) and SQLite reads through it as usual. Past 256 MiB a RESTART checkpoint starts it
// over; that holds the writer for its fsync (50-80 ms here, a burst of ≈ 600 delayed ACKs at 7,000/s), so the cap
// sits above what a 10,000-node avalanche writes (≈ 30 MB) instead of at 64 MiB, which a 4 s run at 7,000/s reached.
// Every 500 ms: a hot index page changed many times is copied once per checkpoint, so at 6,000 DORA/s this thread
// took ≈ 3 µs of CPU a DORA where every 50 ms took ≈ 8.
const CHECKPOINT_SOURCE = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
const pageSize = db.pragma('page_size', { simple: true });
setInterval(() => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    if (r && r.log * pageSize > 256 * 1024 * 1024) db.pragma('wal_checkpoint(RESTART)');
  } catch (e) {}
}, 500);
`;

const betterSqlite3 = (): string => createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * The checkpointer thread for a connection that commits on the event loop (SqliteDb's urgent batches): that
 * connection stops checkpointing (wal_autocheckpoint = 0) while this thread runs, and checkpoints again if it dies.
 */
export class SqliteCheckpointer {
  private readonly worker: Worker;

  constructor(path: string, onExit: () => void) {
    this.worker = new Worker(CHECKPOINT_SOURCE, { eval: true, workerData: { path, module: betterSqlite3() } });
    this.worker.unref();
    this.worker.on('error', onExit);
    this.worker.on('exit', onExit);
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    this.worker.removeAllListeners('error');
    await this.worker.terminate();
  }
}

// The worker is evaluated from source text: the same file runs under tsx, tap and the compiled dist/, and a worker
// started from a .ts path would not get the TypeScript loader. Plain CommonJS, kept small.
// Every request queued while a transaction runs joins the next one (one COMMIT for all of them); each request is
// its own savepoint, so a failing statement fails only its caller. Replies go back once COMMIT has returned.
const WORKER_SOURCE = `
const { parentPort, workerData, Worker } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
db.pragma('temp_store = MEMORY');
db.pragma('busy_timeout = 5000');
db.pragma('cache_size = -' + workerData.cacheKb);
const checkpointer = new Worker(workerData.checkpointSource, { eval: true, workerData });
db.pragma('wal_autocheckpoint = 0');
// Without the checkpointer, this connection checkpoints again (SQLite's default: at 1000 WAL pages).
const fallback = () => { try { db.pragma('wal_autocheckpoint = 1000'); } catch (e) {} };
checkpointer.on('error', fallback);
checkpointer.on('exit', fallback);
const cache = new Map();
const prep = (sql) => {
  let s = cache.get(sql);
  if (!s) {
    if (cache.size > 200) cache.clear();
    cache.set(sql, (s = db.prepare(sql)));
  }
  return s;
};
const one = db.transaction((list) => {
  const out = [];
  for (const [sql, params] of list) {
    for (let i = 0; i < params.length; i++) {
      const p = params[i];
      if (p instanceof Uint8Array && !Buffer.isBuffer(p)) params[i] = Buffer.from(p.buffer, p.byteOffset, p.byteLength);
    }
    const r = prep(sql).run(...params);
    out.push(r.changes, Number(r.lastInsertRowid));
  }
  return out;
});
const all = db.transaction((reqs) => {
  for (const r of reqs) {
    try { r.out = one(r.list); } catch (e) { r.err = e; }
  }
});
let queue = [];
let scheduled = false;
function commit() {
  scheduled = false;
  const reqs = queue;
  queue = [];
  if (!reqs.length) return;
  try { all.immediate(reqs); } catch (e) { for (const r of reqs) if (!r.err) r.err = e; }
  parentPort.postMessage(reqs.map((r) => r.err ? { id: r.id, error: { message: String(r.err.message), code: r.err.code } } : { id: r.id, out: r.out }));
}
parentPort.on('message', (m) => {
  if (m === 'autocheckpoint') return parentPort.postMessage({ autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }) });
  if (m === 'close') {
    commit();
    checkpointer.removeAllListeners('exit');
    checkpointer.terminate().finally(() => {
      db.close(); // the last connection to close checkpoints the whole WAL into the file
      parentPort.postMessage('closed');
    });
    return;
  }
  queue.push(m);
  if (!scheduled) { scheduled = true; setImmediate(commit); }
});
`;

interface Pending {
  resolve(r: WriteResult[]): void;
  reject(e: Error): void;
}

export class SqliteWriter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private closing: Promise<void> | null = null;
  /** set when the worker died: callers fall back to writing on their own connection */
  failed: Error | null = null;

  constructor(path: string, cacheKb = 16_384) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, module: betterSqlite3(), cacheKb, checkpointSource: CHECKPOINT_SOURCE } });
    // Only pending writes keep the process alive: a CLI command that never closes its store still exits.
    this.worker.unref();
    this.worker.on('message', (msg: 'closed' | { autocheckpoint: number } | { id: number; out?: number[]; error?: { message: string; code?: string } }[]) => {
      if (msg === 'closed' || !Array.isArray(msg)) return;
      for (const r of msg) {
        const p = this.pending.get(r.id);
        if (!p) continue;
        this.pending.delete(r.id);
        if (r.error) p.reject(Object.assign(new Error(r.error.message), { code: r.error.code }));
        else {
          const out: WriteResult[] = [];
          for (let i = 0; i < r.out!.length; i += 2) out.push({ changes: r.out![i]!, lastId: r.out![i + 1]! });
          p.resolve(out);
        }
      }
      if (this.pending.size === 0) this.worker.unref();
    });
    const fail = (err: Error) => {
      this.failed ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`SQLite writer thread exited (${code})`)));
  }

  /** Runs the statements in one savepoint of the next group commit; resolves once that commit has returned. */
  write(list: readonly WriteStmt[]): Promise<WriteResult[]> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closing) return Promise.reject(new Error('SQLite writer closed'));
    const id = this.next++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, list });
    });
  }

  /** The writer connection's wal_autocheckpoint: 0 while the checkpointer thread runs (tests). */
  autocheckpoint(): Promise<number> {
    return new Promise((resolve) => {
      const on = (m: unknown) => {
        if (m && typeof m === 'object' && 'autocheckpoint' in m) (this.worker.off('message', on), resolve(Number(m.autocheckpoint)));
      };
      this.worker.on('message', on);
      this.worker.postMessage('autocheckpoint');
    });
  }

  /** Commits what is queued, closes the worker's connection and ends the thread. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failed) return;
      this.worker.ref();
      const closed = new Promise<void>((r) => {
        this.worker.on('message', (m) => m === 'closed' && r());
        this.worker.once('exit', () => r());
      });
      this.worker.postMessage('close');
      await closed;
      await this.worker.terminate();
    })();
    return this.closing;
  }
}

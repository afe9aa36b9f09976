// Group commit of lease rows: ACKs share one write, and each ACK waits for its row to be stored.
// An idle writer commits on the next tick; a busy one at most once per window, so a storm costs
// ~1/window commits a second instead of one per event-loop turn (each SQLite commit appends whole pages to the WAL).
import type { Lease, LeaseStore } from './leases.js';

export class LeaseWriter {
  private queue: { lease: Lease; done: (err?: unknown) => void }[] = [];
  private scheduled = false;
  private inflight: Promise<void> = Promise.resolve();
  private lastFlush = -Infinity;

  constructor(
    private readonly store: LeaseStore,
    private readonly windowMs = 3,
  ) {}

  /** Resolves once the row is stored; rejects with the store's error. */
  put(lease: Lease): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ lease, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.scheduled) {
        this.scheduled = true;
        const wait = this.lastFlush + this.windowMs - performance.now();
        if (wait <= 0) setImmediate(() => this.flush());
        else setTimeout(() => this.flush(), Math.ceil(wait));
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    this.lastFlush = performance.now();
    const batch = this.queue;
    this.queue = [];
    if (!batch.length) return;
    // Batches are written in order, one after the other.
    this.inflight = this.inflight.then(async () => {
      try {
        await this.store.putMany(batch.map((b) => b.lease));
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err);
      }
    });
  }

  /** Waits for everything queued so far. */
  async drain(): Promise<void> {
    if (this.scheduled) this.flush();
    await this.inflight;
  }
}

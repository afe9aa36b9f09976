// Write-behind batching of lease rows: ACKs that arrive in the same tick share one transaction; each waits for its row.
import type { Lease, LeaseStore } from './leases.js';

export class LeaseWriter {
  private queue: { lease: Lease; done: (err?: unknown) => void }[] = [];
  private scheduled = false;
  private inflight: Promise<void> = Promise.resolve();

  constructor(private readonly store: LeaseStore) {}

  /** Resolves once the row is stored; rejects with the store's error. */
  put(lease: Lease): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ lease, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
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
    if (this.scheduled) await new Promise((r) => setImmediate(r));
    await this.inflight;
  }
}

// The EventSink every adapter writes to: buffers events off the hot path and
// writes them in batches (one transaction each), then publishes them live.
import type { BootEventInput, EventSink } from './event.js';
import type { EventBus } from './bus.js';
import type { EventsRepo } from '../store/events-repo.js';

export interface EventLogOptions {
  flushMs?: number; // max delay before a batch is written
  /** after a flush of at least `stormRows` events (a boot storm), the next batch waits `stormMs` instead */
  stormMs?: number;
  stormRows?: number;
  maxBatch?: number;
  onError?: (err: unknown, lost: number) => void;
}

// 1024 rows a slice: on an SQLite file the store's writer thread writes them, and one commit of 1024 rows touches
// each random page of the mac/node indexes once where four commits of 256 touch it up to four times: ≈ 11 instead of
// ≈ 15 µs of CPU an event (writer thread + this one), while building a slice's parameters here costs ≈ 2 µs an event.
const SLICE = 1024;

export class EventLog implements EventSink {
  private buf: BootEventInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private readonly flushMs: number;
  private readonly maxBatch: number;
  /** the last flush was a storm's: wait longer, so batches grow (see stormMs) */
  private storm = false;

  constructor(
    private readonly repo: EventsRepo,
    private readonly bus: EventBus,
    private readonly opts: EventLogOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 20;
    this.maxBatch = opts.maxBatch ?? 2000;
  }

  emit(ev: BootEventInput): void {
    this.buf.push(ev.time === undefined ? { ...ev, time: Date.now() } : ev);
    if (this.buf.length >= this.maxBatch) void this.flush();
    // In a storm each commit of the writer thread touches a random page of the mac and node indexes per row, and
    // those pages are written to the WAL once per commit however many rows hit them: batches of ≈ 2,000 (100 ms
    // at 20,000 events/s, Kea's DORA rate) instead of ≈ 400 cost the writer thread ≈ 5.5 instead of ≈ 7.5 µs an
    // event (bench/events-hotpath.ts). Live subscribers see a storm's events up to 100 ms late; a quiet server
    // still writes within flushMs.
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.storm ? (this.opts.stormMs ?? 100) : this.flushMs);
  }

  /** Writes everything buffered so far; resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.timer) (clearTimeout(this.timer), (this.timer = null));
    const batch = this.buf;
    this.buf = [];
    this.storm = batch.length >= (this.opts.stormRows ?? 200);
    this.flushing = this.flushing.then(async () => {
      let done = 0;
      try {
        // A storm's batch is written in slices with a turn of the event loop between them, so the
        // packet loop is never held for a whole batch.
        while (done < batch.length) {
          if (done > 0) await new Promise((r) => setImmediate(r));
          const slice = batch.length <= SLICE ? batch : batch.slice(done, done + SLICE);
          this.bus.publish(await this.repo.append(slice));
          done += slice.length;
        }
      } catch (e) {
        // The database is down: keep serving and keep the steps for the next
        // flush, up to a bound; say how many had to be dropped.
        const left = batch.slice(done);
        const room = Math.max(0, 100_000 - this.buf.length);
        this.buf = left.slice(0, room).concat(this.buf);
        this.opts.onError?.(e, left.length - Math.min(room, left.length));
        if (!this.timer) this.timer = setTimeout(() => void this.flush(), 1000);
      }
    });
    return this.flushing;
  }
}

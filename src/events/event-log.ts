// The EventSink every adapter writes to: encodes events off the hot path (event-rows.ts) and writes them in
// batches (one statement and one commit each), then publishes them live.
import type { BootEventInput, EventSink } from './event.js';
import type { EventBus } from './bus.js';
import type { EventsRepo } from '../store/events-repo.js';
import { EventRows, type EncodedEvents } from './event-rows.js';

export interface EventLogOptions {
  flushMs?: number; // max delay before a batch is written
  /** after a flush of at least `stormRows` events (a boot storm), the next batch waits `stormMs` instead */
  stormMs?: number;
  stormRows?: number;
  maxBatch?: number;
  onError?: (err: unknown, lost: number) => void;
}

/** Events kept for a database that is down, at most. */
const MAX_KEPT = 100_000;

export class EventLog implements EventSink {
  private readonly rows = new EventRows();
  /** batches a failed write left, oldest first: written before anything newer */
  private kept: EncodedEvents[] = [];
  private keptCount = 0;
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
    this.rows.push(ev, ev.time ?? Date.now());
    if (this.rows.count >= this.maxBatch) void this.flush();
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
    const batch = this.rows.take();
    this.storm = (batch?.count ?? 0) >= (this.opts.stormRows ?? 200);
    this.flushing = this.flushing.then(async () => {
      const todo = batch ? [...this.kept, batch] : this.kept;
      this.kept = [];
      this.keptCount = 0;
      for (const [i, b] of todo.entries()) {
        try {
          // Objects for live subscribers only: the log itself never needs them.
          this.bus.publish(await this.repo.appendEncoded(b, { events: this.bus.size > 0 }));
        } catch (e) {
          // The database is down: keep serving and keep the steps for the next flush, up to a bound (whole
          // batches, newest dropped first); say how many had to be dropped.
          let lost = 0;
          for (const left of todo.slice(i)) {
            if (this.keptCount + left.count <= MAX_KEPT) (this.kept.push(left), (this.keptCount += left.count));
            else lost += left.count;
          }
          this.opts.onError?.(e, lost);
          if (!this.timer) this.timer = setTimeout(() => void this.flush(), 1000);
          return;
        }
      }
    });
    return this.flushing;
  }
}

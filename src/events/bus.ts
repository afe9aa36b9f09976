// In-process live feeds of boot events. Subscribers that throw are dropped, never allowed to break the publisher.
//  - EventBus: the netboot log's events once written, with their ids (`logs -f`, SSE). The log has its rows
//    decoded back into objects for it, ≈ 3 µs an event on the packet loop, and only while someone subscribes.
//  - StepFeed: every step as an adapter emits it (no id yet), and the node changes the store writes: what the
//    server itself always watches (metrics, the dashboard's boot timelines). Its events are the adapters' own
//    objects, so it costs nothing to decode.
import type { BootEvent, BootEventInput, EventSink } from './event.js';

class Feed<T> {
  private readonly listeners = new Set<(ev: T) => void>();
  subscribe(fn: (ev: T) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  publish(evs: readonly T[]): void {
    for (const ev of evs) this.deliver(ev);
  }
  protected deliver(ev: T): void {
    for (const fn of this.listeners) {
      try {
        fn(ev);
      } catch {
        this.listeners.delete(fn);
      }
    }
  }
  get size(): number {
    return this.listeners.size;
  }
}

export class EventBus extends Feed<BootEvent> {}

/** A step: time is always set (the feed fills it in as the log would). */
export type Step = BootEventInput & { time: number };

export class StepFeed extends Feed<Step> {
  /** A sink that hands each event to `inner`, then to this feed's subscribers. */
  tap(inner: EventSink): EventSink {
    return {
      emit: (ev) => {
        inner.emit(ev);
        if (this.size > 0) this.deliver(ev.time === undefined ? { ...ev, time: Date.now() } : (ev as Step));
      },
    };
  }
}

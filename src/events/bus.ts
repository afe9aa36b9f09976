// In-process live feed of boot events (for `logs -f`, SSE and the dashboard).
// Subscribers that throw are dropped, never allowed to break the publisher.
import type { BootEvent } from './event.js';

export type Listener = (ev: BootEvent) => void;

export class EventBus {
  private readonly listeners = new Set<Listener>();
  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  publish(evs: readonly BootEvent[]): void {
    for (const ev of evs)
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

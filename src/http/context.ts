// What route handlers are given: the composition root builds it (src/app.ts).
import type { Config } from '../config/schema.js';
import type { EventBus } from '../events/bus.js';
import type { EventSink } from '../events/event.js';
import type { StateStore } from '../store/state-store.js';

export interface ApiContext {
  config: Config;
  store: StateStore;
  bus: EventBus;
  sink: EventSink;
  version: string;
  startedAt: number;
  /** what the netboot side is doing, for /v1/status and the banner */
  netboot: () => Record<string, unknown>;
}

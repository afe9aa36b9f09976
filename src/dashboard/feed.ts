// One coalesced stream for every wall TV: changes mark the feed dirty, a tick
// (≤ 4/s) builds one snapshot, serialises it once and sends the same bytes to
// all subscribers, so 150 screens cost one snapshot per change, not 150.
import type { StepFeed } from '../events/bus.js';
import type { NodesRepo } from '../store/nodes-repo.js';
import { BootTimelines, buildSnapshot, type ClusterFigures, type DashboardSnapshot } from './snapshot.js';

export type FeedListener = (json: string) => void;

export class DashboardFeed {
  private readonly listeners = new Set<FeedListener>();
  private readonly boots = new BootTimelines();
  private dirty = true;
  private last = '';
  private building = false;
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly nodes: Pick<NodesRepo, 'list'>,
    steps: StepFeed,
    private readonly figures: () => ClusterFigures,
    intervalMs = 250,
  ) {
    this.unsubscribe = steps.subscribe((ev) => {
      this.boots.add(ev);
      this.dirty = true;
    });
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  /** Something outside the event log changed (agent moved, call started). */
  touch(): void {
    this.dirty = true;
  }

  async snapshot(): Promise<DashboardSnapshot> {
    return buildSnapshot(await this.nodes.list(), this.figures(), this.boots.list(), Date.now());
  }

  private async tick(): Promise<void> {
    if (!this.dirty || this.building || this.listeners.size === 0) return;
    this.building = true;
    this.dirty = false;
    try {
      const { at: _at, ...rest } = await this.snapshot();
      const json = JSON.stringify({ at: Date.now(), ...rest });
      // Send only real changes (the timestamp alone is not one).
      if (JSON.stringify(rest) !== this.last) {
        this.last = JSON.stringify(rest);
        for (const fn of this.listeners) fn(json);
      }
    } catch {
      this.dirty = true; // the store hiccuped: try again next tick
    } finally {
      this.building = false;
    }
  }

  subscribe(fn: FeedListener): () => void {
    this.listeners.add(fn);
    void this.snapshot().then((s) => fn(JSON.stringify(s)), () => undefined);
    return () => this.listeners.delete(fn);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  close(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    this.listeners.clear();
  }
}

// Admission policy for new TFTP requests (pure, clock injected): per-client rate limit and a capped set of running transfers with a FIFO queue.

export interface RateLimit {
  /** Sustained new requests per second per client IP. */
  perSecond: number;
  /** Requests allowed in a burst (a UEFI client sends a probe and the real request back to back). */
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; firstDenial: boolean };

/** Token bucket per client IP; `firstDenial` lets the caller log once per burst of refusals, not per packet. */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; denied: boolean }>();
  constructor(private readonly limit: RateLimit) {}

  check(client: string, now: number): RateDecision {
    let b = this.buckets.get(client);
    if (!b) {
      if (this.buckets.size >= 65536) this.prune(now);
      b = { tokens: this.limit.burst, at: now, denied: false };
      this.buckets.set(client, b);
    }
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.denied = false;
      return { allowed: true };
    }
    const firstDenial = !b.denied;
    b.denied = true;
    return { allowed: false, firstDenial };
  }

  /** Forget clients whose bucket has refilled: they behave as new ones. */
  prune(now: number): void {
    const full = (this.limit.burst / this.limit.perSecond) * 1000;
    for (const [k, b] of this.buckets) if (now - b.at >= full) this.buckets.delete(k);
  }
}

export interface SlotLimits {
  maxActive: number;
  /** Waiting requests beyond this are dropped; the client's own RRQ retransmission retries later. */
  maxQueued: number;
  /** A request queued longer than this is stale: the client has retried or given up. */
  maxWaitMs: number;
}

export type Admit<T> = ({ kind: 'run'; item: T } | { kind: 'queued'; position: number } | { kind: 'dropped' }) & {
  /** Stale queued items removed on the way (the caller forgets them). */
  expired: T[];
};

/** Slots for running transfers: a boot storm waits its turn instead of being refused. */
export class TransferSlots<T> {
  private active = 0;
  private readonly queue: Array<{ item: T; at: number }> = [];
  constructor(private readonly limits: SlotLimits) {}

  get running(): number {
    return this.active;
  }
  get waiting(): number {
    return this.queue.length;
  }

  request(item: T, now: number): Admit<T> {
    const expired = this.expire(now);
    if (this.active < this.limits.maxActive && this.queue.length === 0) {
      this.active++;
      return { kind: 'run', item, expired };
    }
    if (this.queue.length >= this.limits.maxQueued) return { kind: 'dropped', expired };
    this.queue.push({ item, at: now });
    return { kind: 'queued', position: this.queue.length, expired };
  }

  /** The client retransmitted a queued request: it is alive, so its wait starts over (it keeps its place). */
  touch(item: T, now: number): boolean {
    const q = this.queue.find((e) => e.item === item);
    if (q) q.at = now;
    return q !== undefined;
  }

  /** A transfer ended: returns the queued items that may start now, and the stale ones that were dropped. */
  release(now: number): { run: T[]; expired: T[] } {
    if (this.active > 0) this.active--;
    const expired = this.expire(now);
    const run: T[] = [];
    while (this.active < this.limits.maxActive && this.queue.length > 0) {
      run.push(this.queue.shift()!.item);
      this.active++;
    }
    return { run, expired };
  }

  private expire(now: number): T[] {
    // touch() refreshes waits out of order, so look at every waiting request, not only the oldest.
    const out: T[] = [];
    let kept = 0;
    for (const e of this.queue) {
      if (now - e.at > this.limits.maxWaitMs) out.push(e.item);
      else this.queue[kept++] = e;
    }
    this.queue.length = kept;
    return out;
  }
}

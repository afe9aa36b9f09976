// Capped exponential backoff (pure): the delay before retry number `attempt` (1-based), with optional injected jitter.

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor?: number;
  /** 0..1: the share of the delay that is randomised (full jitter when 1) */
  jitter?: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000, factor: 2, jitter: 0.2 };

export function backoffDelay(attempt: number, p: BackoffPolicy, random: () => number = () => 0.5): number {
  const n = Math.max(1, Math.floor(attempt));
  const raw = Math.min(p.maxMs, p.initialMs * Math.pow(p.factor ?? 2, n - 1));
  const j = Math.min(1, Math.max(0, p.jitter ?? 0));
  // Jitter spreads daemons of many nodes that lost the same network at the same moment.
  return Math.round(raw * (1 - j) + raw * j * random());
}

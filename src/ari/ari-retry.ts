// Sets ari-client's own WebSocket retry policy. ari-client 2.2.0 hard-codes backoff-func {delay: 100} (10 tries, ≈ 42 s);
// it calls `backoff.create` at connect time, so replacing `create` on the module instance ari-client loaded changes it.
// Used by tests (fast give-up) and by operators who want a shorter first phase; the daemon's own loop retries forever after.
import { createRequire } from 'node:module';
import type { AriRetry } from '../supervisor/messages.js';

interface BackoffFunc {
  create(opts?: Record<string, unknown>): (fn: () => void) => boolean;
  pbxbootOriginalCreate?: BackoffFunc['create'];
}

export function setAriClientRetry(r: AriRetry): void {
  const here = createRequire(import.meta.url);
  const bf = createRequire(here.resolve('ari-client'))('backoff-func') as BackoffFunc;
  const orig = bf.pbxbootOriginalCreate ?? bf.create;
  bf.pbxbootOriginalCreate = orig;
  bf.create = (opts) => orig({ ...opts, delay: r.delay, maxDelay: r.maxDelay, maxRetries: r.maxRetries });
}

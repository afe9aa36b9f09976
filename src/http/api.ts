// Builds the router with every route group; capabilities add theirs here.
import type { ApiContext } from './context.js';
import { Router, type TokenKind } from './router.js';
import { registerBootRoutes, type BootRoutesOptions } from './routes/boot.js';
import { registerEventRoutes } from './routes/events.js';
import { registerNodeRoutes } from './routes/nodes.js';
import { registerSystemRoutes } from './routes/system.js';

export interface ApiOptions {
  boot?: BootRoutesOptions;
  onError?: (e: unknown) => void;
}

export function buildApi(ctx: ApiContext, authenticate: (token: string) => TokenKind | null, opts: ApiOptions = {}): Router {
  const router = new Router(authenticate, opts.onError);
  registerSystemRoutes(router, ctx);
  registerNodeRoutes(router, ctx);
  registerEventRoutes(router, ctx);
  if (opts.boot) registerBootRoutes(router, ctx, opts.boot);
  return router;
}

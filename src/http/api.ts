// Builds the router with every route group; capabilities add theirs here.
import type { ApiContext } from './context.js';
import { Router, type TokenKind } from './router.js';
import { registerEventRoutes } from './routes/events.js';
import { registerNodeRoutes } from './routes/nodes.js';
import { registerSystemRoutes } from './routes/system.js';

export function buildApi(ctx: ApiContext, authenticate: (token: string) => TokenKind | null, onError?: (e: unknown) => void): Router {
  const router = new Router(authenticate, onError);
  registerSystemRoutes(router, ctx);
  registerNodeRoutes(router, ctx);
  registerEventRoutes(router, ctx);
  return router;
}

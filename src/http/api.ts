// Builds the router with every route group; capabilities add theirs here.
import type { ApiContext } from './context.js';
import { Router, type TokenKind } from './router.js';
import { registerBootRoutes, type BootRoutesOptions } from './routes/boot.js';
import { registerEventRoutes } from './routes/events.js';
import { registerMetricsRoute } from './routes/metrics.js';
import type { Metrics } from '../metrics/metrics.js';
import type { DashboardFeed } from '../dashboard/feed.js';
import { registerDashboardRoutes } from './routes/dashboard.js';
import { registerClusterRoutes, type ClusterRoutesOptions } from './routes/cluster.js';
import { registerRenderRoute } from './routes/render.js';
import type { NodeRenderer } from '../render/node-renderer.js';
import { registerNodeRoutes } from './routes/nodes.js';
import { registerSystemRoutes } from './routes/system.js';

export interface ApiOptions {
  boot?: BootRoutesOptions;
  onError?: (e: unknown) => void;
  metrics?: Metrics;
  dashboard?: { feed: DashboardFeed; publicDir: string };
  cluster?: ClusterRoutesOptions;
  render?: NodeRenderer;
}

export function buildApi(ctx: ApiContext, authenticate: (token: string) => TokenKind | null, opts: ApiOptions = {}): Router {
  const router = new Router(authenticate, opts.onError, opts.metrics?.observeHttp);
  registerSystemRoutes(router, ctx);
  registerNodeRoutes(router, ctx);
  registerEventRoutes(router, ctx);
  if (opts.boot) registerBootRoutes(router, ctx, opts.boot);
  if (opts.metrics) registerMetricsRoute(router, opts.metrics);
  if (opts.dashboard) registerDashboardRoutes(router, opts.dashboard.feed, opts.dashboard.publicDir);
  if (opts.cluster) registerClusterRoutes(router, ctx, opts.cluster);
  if (opts.render) registerRenderRoute(router, ctx, opts.render);
  return router;
}

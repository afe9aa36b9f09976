// /healthz (open, for load balancers and `npm start` checks) and /v1/status.
import type { NodeState } from '../../cluster/nodes.js';
import type { ApiContext } from '../context.js';
import { json, type Router } from '../router.js';

export function registerSystemRoutes(router: Router, ctx: ApiContext): void {
  router.on('GET', '/healthz', 'open', async () => {
    await ctx.store.db.get('SELECT 1 AS ok');
    return json(200, { ok: true });
  });

  router.on('GET', '/v1/status', 'read', async () => {
    const nodes = await ctx.store.nodes.list();
    const byState: Partial<Record<NodeState, number>> = {};
    for (const n of nodes) byState[n.state] = (byState[n.state] ?? 0) + 1;
    return json(200, {
      version: ctx.version,
      uptimeSeconds: Math.round((Date.now() - ctx.startedAt) / 1000),
      stateDb: ctx.store.db.describe,
      nodes: { total: nodes.length, byState },
      netboot: ctx.netboot(),
    });
  });
}

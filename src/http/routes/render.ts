// GET /v1/nodes/:id/render: the node's rendered Asterisk files and their
// validation, without booting anything (`pbxboot render NODE`).
import type { NodeRenderer } from '../../render/node-renderer.js';
import type { ApiContext } from '../context.js';
import { json, type Router } from '../router.js';

export function registerRenderRoute(router: Router, ctx: ApiContext, renderer: NodeRenderer): void {
  router.on('GET', '/v1/nodes/:id/render', 'read', async (req) => {
    const node = await ctx.store.nodes.get(req.params.id!);
    const r = await renderer.render(node);
    return json(200, { node: node.name, files: r.files, validation: r.validation });
  });
}

// Agents, balancing and node operations (DESIGN §6): drain/undrain/reassign,
// agents ls/import/move, rebalance, and /v1/assignments for the CMS.
import { PbxbootError } from '../../errors.js';
import type { AssignmentChange, ClusterController } from '../../cluster/controller.js';
import type { Node } from '../../cluster/nodes.js';
import type { ApiContext } from '../context.js';
import { field, json, type Router } from '../router.js';

export interface AgentView {
  id: string;
  extension: string;
  name: string;
  tenant: string;
  department: string;
  node: string | null; // node id
  pinnedNode: string | null;
}

/** The agent records (PBX DB) as the API needs them. */
export interface AgentDirectory {
  list(filter: { node?: string; tenant?: string }): Promise<AgentView[]>;
  /** all-or-nothing CSV import; errors name line and column */
  importCsv(text: string): Promise<{ imported: number; created: number; updated: number }>;
  exists(id: string): Promise<boolean>;
}

export interface Assignment {
  agent: string;
  extension: string;
  tenant: string;
  node: string | null;
  nodeName: string | null;
  address: string | null;
  ariUrl: string | null;
  daemon: string | null;
  state: 'busy' | 'idle';
}

export interface ClusterRoutesOptions {
  controller: ClusterController;
  agents: AgentDirectory;
  ariPort: number;
  /** live assignment changes for ?follow=1 */
  subscribe(fn: (changes: readonly AssignmentChange[]) => void): () => void;
  /** re-render a node's bundle for another tenant/profile (nodes reassign) */
  reassign?(node: Node, to: { tenant?: string; profile?: string }): Promise<Node>;
}

export function registerClusterRoutes(router: Router, ctx: ApiContext, o: ClusterRoutesOptions): void {
  const { nodes } = ctx.store;
  const enc = (n: Node | undefined, a: AgentView): Assignment => ({
    agent: a.id,
    extension: a.extension,
    tenant: a.tenant,
    node: a.node,
    nodeName: n?.name ?? null,
    address: n?.ip ?? null,
    ariUrl: n?.ip ? `http://${n.ip}:${o.ariPort}/ari` : null,
    daemon: n && (n.state === 'active' || n.state === 'draining') ? `ari-${n.name}` : null,
    state: o.controller.isBusy(a.id) ? 'busy' : 'idle',
  });

  router.on('POST', '/v1/nodes/:id/drain', 'admin', async (req) => json(200, { node: await o.controller.drain(req.params.id!) }));
  router.on('POST', '/v1/nodes/:id/undrain', 'admin', async (req) => json(200, { node: await o.controller.undrain(req.params.id!) }));
  router.on('POST', '/v1/nodes/:id/reassign', 'admin', async (req) => {
    const node = await nodes.get(req.params.id!);
    const tenant = field(req.body, 'tenant', { optional: true });
    const profile = field(req.body, 'profile', { optional: true });
    if (!tenant && !profile) throw new PbxbootError('E_USAGE', 'reassign needs --tenant or --profile');
    if (tenant && !(tenant in ctx.config.tenants)) throw new PbxbootError('E_USAGE', `unknown tenant "${tenant}"`, { value: tenant });
    if (profile && profile !== 'default' && !(profile in ctx.config.profiles)) throw new PbxbootError('E_USAGE', `unknown profile "${profile}"`, { value: profile });
    const updated = o.reassign ? await o.reassign(node, { tenant, profile }) : await nodes.update(node.id, { tenant, profile });
    await o.controller.rebalance({ reason: `reassign ${node.name}` });
    return json(200, { node: updated });
  });

  router.on('GET', '/v1/agents', 'read', async (req) => {
    const ref = req.query.get('node');
    const node = ref ? (await nodes.get(ref)).id : undefined;
    return json(200, { agents: await o.agents.list({ node, tenant: req.query.get('tenant') ?? undefined }) });
  });
  router.on('POST', '/v1/agents/import', 'admin', async (req) => {
    if (typeof req.body !== 'string') throw new PbxbootError('E_CSV', 'send the CSV as text/csv');
    const r = await o.agents.importCsv(req.body);
    await o.controller.rebalance({ reason: 'agents imported' });
    return json(200, r);
  });
  router.on('POST', '/v1/agents/:id/move', 'admin', async (req) => {
    const agent = req.params.id!;
    if (!(await o.agents.exists(agent))) throw new PbxbootError('E_NOT_FOUND', `unknown agent "${agent}"`, { value: agent });
    const to = field(req.body, 'to')!;
    const pin = (req.body as { pin?: unknown }).pin !== false;
    await o.controller.move(agent, to, pin);
    return json(200, { agent, to: (await nodes.get(to)).name, pinned: pin, busy: o.controller.isBusy(agent) });
  });
  router.on('POST', '/v1/rebalance', 'admin', async (req) => {
    const dryRun = (req.body as { dryRun?: unknown } | undefined)?.dryRun === true || req.query.get('dryRun') === '1';
    const r = await o.controller.rebalance({ dryRun, reason: 'operator' });
    return json(200, { dryRun, moves: r.moves, deferred: r.deferred, unplaced: r.unplaced });
  });

  router.on('GET', '/v1/assignments', 'read', async (req) => {
    const byId = new Map((await nodes.list()).map((n) => [n.id, n]));
    const current = async () => (await o.agents.list({})).map((a) => enc(a.node ? byId.get(a.node) : undefined, a));
    if (req.query.get('follow') !== '1') return json(200, { assignments: await current() });
    return {
      status: 200,
      sse: {
        open(send) {
          const unsubscribe = o.subscribe((changes) => {
            void nodes.list().then((list) => {
              for (const n of list) byId.set(n.id, n);
              send('changes', changes.map((c) => ({ ...c, nodeName: c.to ? (byId.get(c.to)?.name ?? null) : null, address: c.to ? (byId.get(c.to)?.ip ?? null) : null })));
            });
          });
          void current().then((all) => send('snapshot', all));
          return unsubscribe;
        },
      },
    };
  });
}

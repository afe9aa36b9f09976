// /v1/nodes: the inventory (list, show, add, accept, remove).
import { normalizeMac } from '../../cluster/mac.js';
import { isNodeState, type Node } from '../../cluster/nodes.js';
import { PbxbootError } from '../../errors.js';
import type { ApiContext } from '../context.js';
import { field, json, type Router } from '../router.js';

export interface NodeView extends Node {
  lastBoot?: { stage: string; time: number }[];
}

function macsOf(body: unknown): string[] {
  const b = body as { mac?: unknown; macs?: unknown } | undefined;
  const list = b?.macs ?? (b?.mac !== undefined ? [b.mac] : undefined);
  if (!Array.isArray(list) || list.length === 0) throw new PbxbootError('E_USAGE', 'missing field "mac"', { value: 'mac' });
  return list.map((m) => {
    if (typeof m !== 'string') throw new PbxbootError('E_BAD_MAC', `invalid MAC address ${JSON.stringify(m)}`, { value: m });
    return normalizeMac(m);
  });
}

function optionalNumber(body: unknown, name: string): number | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new PbxbootError('E_USAGE', `field "${name}" must be a number, got ${JSON.stringify(v)}`, { value: v });
  return n;
}

export function registerNodeRoutes(router: Router, ctx: ApiContext): void {
  const { nodes } = ctx.store;

  router.on('GET', '/v1/nodes', 'read', async (req) => {
    const state = req.query.get('state') ?? undefined;
    if (state !== undefined && !isNodeState(state)) throw new PbxbootError('E_USAGE', `unknown state "${state}"`, { value: state });
    return json(200, { nodes: await nodes.list({ state, tenant: req.query.get('tenant') ?? undefined }) });
  });

  router.on('POST', '/v1/nodes', 'admin', async (req) => {
    const tenant = field(req.body, 'tenant', { optional: true });
    if (tenant !== undefined && !(tenant in ctx.config.tenants)) {
      throw new PbxbootError('E_USAGE', `unknown tenant "${tenant}" (configured: ${Object.keys(ctx.config.tenants).join(', ')})`, { value: tenant });
    }
    const profile = field(req.body, 'profile', { optional: true });
    if (profile !== undefined && profile !== 'default' && !(profile in ctx.config.profiles)) {
      throw new PbxbootError('E_USAGE', `unknown profile "${profile}"`, { value: profile });
    }
    const node = await nodes.create({
      name: field(req.body, 'name')!,
      macs: macsOf(req.body),
      ip: field(req.body, 'ip', { optional: true }) ?? null,
      tenant: tenant ?? Object.keys(ctx.config.tenants)[0] ?? 'default',
      weight: optionalNumber(req.body, 'weight'),
      profile,
    });
    return json(201, { node });
  });

  router.on('GET', '/v1/nodes/:id', 'read', async (req) => {
    const node = await nodes.get(req.params.id!);
    const timeline = await ctx.store.events.query({ node: node.id, nodeMacs: node.macs, limit: 500 });
    const since = node.lastBootAt ?? 0;
    return json(200, {
      node,
      lastBoot: timeline.filter((e) => e.time >= since).map((e) => ({ time: e.time, stage: e.stage, level: e.level })),
    });
  });

  router.on('POST', '/v1/nodes/:id/accept', 'admin', async (req) => {
    const node = await nodes.get(req.params.id!);
    if (node.state !== 'discovered') {
      throw new PbxbootError('E_TRANSITION', `node ${node.name} is ${node.state}, not discovered`, { value: node.state });
    }
    const name = field(req.body, 'name', { optional: true });
    return json(200, { node: await nodes.transition(node.id, 'enrolled', 'accepted', name ? { name } : {}) });
  });

  // rm marks the node `removed` (refused netboot, kept for history). A node that
  // still serves (ready/active/draining) must be drained first unless ?force=1.
  router.on('DELETE', '/v1/nodes/:id', 'admin', async (req) => {
    const node = await nodes.get(req.params.id!);
    const force = req.query.get('force') === '1';
    if (['ready', 'active', 'draining', 'booting', 'configured'].includes(node.state) && !force) {
      throw new PbxbootError('E_REFUSED', `node ${node.name} is ${node.state}: drain it first, or use --force`, { value: node.state });
    }
    if (node.state === 'removed') return json(200, { node });
    return json(200, { node: await nodes.transition(node.id, 'removed', force ? 'removed (forced)' : 'removed') });
  });
}

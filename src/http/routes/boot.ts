// The boot routes a node uses (DESIGN §6): its iPXE script, boot files, its
// bundle (one-time token + lease IP), and stage events (`ready` = phone-home).
import { isAbsolute, join, normalize, sep } from 'node:path';
import { parseMac } from '../../cluster/mac.js';
import { canTransition, type Node } from '../../cluster/nodes.js';
import { PbxbootError } from '../../errors.js';
import { encodeBundle, type BundleFile } from '../../boot/bundle-tar.js';
import { nodeScript, unknownScript, type CompiledIpxe } from '../../boot/ipxe-script.js';
import { resolveProfile } from '../../boot/profiles.js';
import { bootTokenTtlMs, judgeToken, nodeTokenTtlMs, tokenHint, type TokenUse } from '../../boot/token-policy.js';
import type { ApiContext } from '../context.js';
import { json, type HttpRequest, type HttpResponse, type Router } from '../router.js';

export interface BootRoutesOptions {
  ipxe: CompiledIpxe;
  imagesDir: string;
  /** the node's rendered files (Asterisk config); absent = identity only */
  bundleFiles?: (node: Node) => Promise<BundleFile[]>;
  /** called once a node phoned home `ready` (registration in the PBX DB) */
  onReady?: (node: Node) => Promise<void>;
  unknownAction?: 'reboot' | 'poweroff' | 'exit' | 'halt';
  unknownDelaySeconds?: number;
  heartbeatSeconds?: number;
}

const text = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  body,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers },
});

const agentStage = /^[a-z][a-z0-9._-]{0,63}$/;

export function registerBootRoutes(router: Router, ctx: ApiContext, o: BootRoutesOptions): void {
  const { nodes, tokens, events } = ctx.store;
  const base = (req: HttpRequest) => `http://${req.headers.host ?? `${ctx.config.serverAddress || '127.0.0.1'}:${ctx.config.http.port}`}`;

  router.on('GET', '/boot/ipxe/:mac', 'open', async (req) => {
    const mac = parseMac(req.params.mac!);
    if (!mac) throw new PbxbootError('E_BAD_MAC', `invalid MAC address "${req.params.mac}"`, { value: req.params.mac });
    const ip = req.remoteAddress ?? null;
    const refuse = (reason: string, node: Node | null) => {
      ctx.sink.emit({ mac, node: node?.id ?? null, stage: 'http.ipxe-refused', level: 'warn', detail: { ip, reason } });
      return text(200, unknownScript(o.ipxe, { mac, reason, serverName: 'pbxboot', delaySeconds: o.unknownDelaySeconds ?? 60, action: o.unknownAction ?? 'reboot' }));
    };
    let node = await nodes.find(mac);
    if (!node) {
      node = await nodes.create({ name: `disc-${mac.replace(/:/g, '')}`, macs: [mac], state: 'discovered' }).catch(() => nodes.find(mac));
      if (ctx.config.enroll === 'auto' && node) node = await nodes.transition(node.id, 'enrolled', 'auto-enrolled');
    }
    if (!node || node.state === 'discovered') return refuse('not enrolled (pbxboot nodes accept)', node);
    if (node.state === 'removed') return refuse('node removed', node);
    if (!node.allowNetboot) return refuse('netboot disabled for this node', node);
    if (!canTransition(node.state, 'booting')) return refuse(`node is ${node.state}`, node);
    const profile = resolveProfile(ctx.config, node.profile);
    const token = await tokens.issue(node.id, 'boot', bootTokenTtlMs, ip);
    // The boot began with the DHCP exchange just before this request.
    // (not before the node's last change: an unenrolled attempt before `accept` is not this boot)
    const recent = await events.query({ mac, stage: 'dhcp.discover', since: Math.max(Date.now() - 180_000, node.updatedAt), limit: 10 });
    node = await nodes.transition(node.id, 'booting', null, {
      lastBootAt: recent[0]?.time ?? Date.now(),
      ...(node.bootOnce ? { allowNetboot: false } : {}),
    });
    ctx.sink.emit({ mac, node: node.id, stage: 'http.ipxe-script', detail: { ip, profile: node.profile, token: tokenHint(token) } });
    return text(200, nodeScript(o.ipxe, { node: node.id, mac, serverUrl: base(req), token, profile }));
  });

  // Kernels, initrds, rootfs images and iPXE binaries, confined to the images dir.
  router.on('GET', '/boot/files/*', 'open', async (req) => {
    const rel = req.params['*'] ?? '';
    if (rel === '' || rel.includes('\0') || rel.includes('\\') || isAbsolute(rel) || normalize(rel).split(sep).includes('..')) {
      ctx.sink.emit({ stage: 'http.denied', level: 'warn', detail: { ip: req.remoteAddress, path: rel } });
      throw new PbxbootError('E_NOT_FOUND', 'no such file', { value: rel });
    }
    const nodeRef = req.query.get('node');
    if (req.method === 'GET') ctx.sink.emit({ node: nodeRef, stage: 'http.file', detail: { ip: req.remoteAddress, path: rel, range: req.headers.range ?? null } });
    return { status: 200, file: { path: join(o.imagesDir, rel), contentType: 'application/octet-stream' } };
  });

  type Authorised = { node: Node; token: string; spend: boolean; kind: 'boot' | 'node'; refused?: undefined } | { refused: HttpResponse };
  async function authorise(req: HttpRequest, use: TokenUse): Promise<Authorised> {
    const node = await nodes.get(req.params.node!);
    const token = req.query.get('token') ?? '';
    const verdict = judgeToken(token ? await tokens.find(token) : null, node.id, use, req.remoteAddress ?? null, Date.now());
    if (!verdict.ok) {
      ctx.sink.emit({ node: node.id, mac: node.macs[0] ?? null, stage: 'http.token-refused', level: 'warn', detail: { use, reason: verdict.reason, ip: req.remoteAddress, token: tokenHint(token) } });
      return { refused: json(verdict.status, { error: { code: 'E_AUTH', message: verdict.reason } }) };
    }
    return { node, token, spend: verdict.spend, kind: verdict.kind };
  }

  router.on('GET', '/v1/boot/:node/bundle', 'boot', async (req) => {
    const auth = await authorise(req, 'bundle');
    if (auth.refused) return auth.refused;
    let { node } = auth;
    // The bundle is rendered for the address the node fetches it from (its lease).
    if (!node.ip && req.remoteAddress) node = await nodes.update(node.id, { ip: req.remoteAddress });
    const files = o.bundleFiles ? await o.bundleFiles(node) : [];
    // A node token for the events and polls that follow (the boot token is spent now).
    const nodeToken = auth.spend ? await tokens.issue(node.id, 'node', nodeTokenTtlMs, null) : auth.token;
    const bundle = encodeBundle(files, { node: node.id, token: nodeToken, interval: String(o.heartbeatSeconds ?? 30) });
    // The ETag must not change with the node token, or polls would always see a change.
    const etag = `"${encodeBundle(files, { node: node.id }).etag.replace(/"/g, '')}"`;
    if (!auth.spend && req.headers['if-none-match'] === etag) return { status: 304, headers: { etag } };
    if (auth.spend) {
      if (!(await tokens.spend(auth.token))) return json(410, { error: { code: 'E_AUTH', message: 'boot token already used' } });
      if (node.state === 'booting') node = await nodes.transition(node.id, 'configured', null, { ip: node.ip ?? req.remoteAddress ?? null });
    }
    ctx.sink.emit({ node: node.id, mac: node.macs[0] ?? null, stage: 'http.bundle', detail: { ip: req.remoteAddress, files: files.length, bytes: bundle.body.length, etag } });
    return { status: 200, body: bundle.body, headers: { 'content-type': 'application/x-tar', etag, 'cache-control': 'no-store' } };
  });

  router.on('POST', '/v1/boot/:node/events', 'boot', async (req) => {
    const auth = await authorise(req, 'events');
    if (auth.refused) return auth.refused;
    const body = (typeof req.body === 'string' ? safeJson(req.body) : req.body) as { stage?: unknown; detail?: unknown } | undefined;
    const stage = body?.stage;
    if (typeof stage !== 'string' || !agentStage.test(stage)) throw new PbxbootError('E_USAGE', `invalid stage ${JSON.stringify(stage)}`, { value: stage });
    const detail = body?.detail && typeof body.detail === 'object' ? (body.detail as Record<string, unknown>) : {};
    let node = auth.node;
    if (stage !== 'heartbeat') ctx.sink.emit({ node: node.id, mac: node.macs[0] ?? null, stage: `agent.${stage}`, level: stage === 'failed' ? 'error' : 'info', detail });
    if (stage === 'ready' && node.state !== 'ready' && node.state !== 'active' && node.state !== 'drained') {
      // Ready only after the bundle was fetched, proven by the node token it carried.
      if (auth.kind !== 'node') return json(403, { error: { code: 'E_AUTH', message: 'ready needs the node token from the bundle' } });
      if (node.state !== 'configured') return json(409, { error: { code: 'E_TRANSITION', message: `node is ${node.state}, not configured` } });
      // Drain is a cordon (DESIGN §2): a cordoned node comes back drained.
      node = await nodes.transition(node.id, node.cordoned ? 'drained' : 'ready', node.cordoned ? 'cordoned' : null);
      await o.onReady?.(node);
    }
    // A boot token (the kernel command line, readable by anyone on the boot LAN) may
    // fail only a boot in progress: a replayed old one must not fail a running node.
    const mayFail = auth.kind === 'node' || node.state === 'booting' || node.state === 'configured';
    if (stage === 'failed' && mayFail && canTransition(node.state, 'failed')) node = await nodes.transition(node.id, 'failed', String(detail.reason ?? 'agent reported failure'));
    return json(200, { ok: true, state: node.state });
  });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

// The composition root (STYLE rule 3): wires config, stores, the event log,
// the HTTP API and (when configured) the netboot servers. Nothing else builds these.
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileIpxe } from './boot/ipxe-script.js';
import { startNetboot, type Netboot } from './boot/netboot.js';
import pino, { type Logger } from 'pino';
import type { Config } from './config/schema.js';
import { EventBus, StepFeed } from './events/bus.js';
import type { EventSink } from './events/event.js';
import { EventLog } from './events/event-log.js';
import { enrichingSink } from './events/enrich.js';
import { buildApi } from './http/api.js';
import type { ApiContext } from './http/context.js';
import { startHttpServer } from './http/server.js';
import { loadTokens } from './http/tokens.js';
import { createMetrics } from './metrics/metrics.js';
import { DashboardFeed } from './dashboard/feed.js';
import { ClusterController, type AssignmentChange, type Daemons } from './cluster/controller.js';
import type { Node } from './cluster/nodes.js';
import { PbxTenants } from './store/pbx-tenants.js';
import { NodeRenderer } from './render/node-renderer.js';
import { loadAsteriskTemplates } from './render/templates.js';
import { Supervisor } from './supervisor/supervisor.js';
import { openStateStore, type StateStore } from './store/state-store.js';

export interface App {
  url: string;
  ctx: ApiContext;
  store: StateStore;
  log: Logger;
  close(): Promise<void>;
}

/** The templates shipped with the package (src/ and dist/ are both one level below it). */
export const templatesDir = fileURLToPath(new URL('../templates/', import.meta.url));
export const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/** The daemon entry: the built one, or the source one through tsx when pbxboot runs from source (tests, dev). */
function daemonArgv(): string[] {
  if (import.meta.url.endsWith('.ts')) {
    return [process.execPath, '--import', import.meta.resolve('tsx'), fileURLToPath(new URL('./ari/daemon.ts', import.meta.url))];
  }
  return [process.execPath, fileURLToPath(new URL('./ari/daemon.js', import.meta.url))];
}

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return '0.0.0';
  }
}

/**
 * Process-wide V8 settings of a server process, set by startApp before it starts serving. Young-generation GCs run on
 * the main thread alone: a DHCP storm allocates per packet and keeps a few thousand boot events buffered, and V8's
 * parallel scavenge spread every such GC over helper threads that spent far more CPU than they saved the main
 * thread (a DHCP server at 7,000 DORA/s: ≈ 12 µs of helper CPU per DORA against ≈ 4, the packet loop no slower), CPU
 * that on a small machine the packet loop, the SQLite writer threads and the clients need. The flag is read at each
 * scavenge, which makes it one V8 flag that is safe to set at run time.
 */
export function tuneServerRuntime(): void {
  setFlagsFromString('--no-parallel-scavenge');
}

/** The sink every adapter is given: TFTP and HTTP steps get their MAC and node, the netboot log writes each step,
 *  and the step feed (metrics, the dashboard) sees it as it is. */
export function netbootSink(log: EventSink, steps: StepFeed): EventSink {
  return enrichingSink(steps.tap(log));
}

export async function startApp(config: Config, opts: { log?: Logger } = {}): Promise<App> {
  tuneServerRuntime();
  const log = opts.log ?? pino({ level: config.logLevel }, pino.destination(2));
  const dataDir = resolve(config.dataDir);
  const bus = new EventBus();
  const steps = new StepFeed();
  // the node changes the store writes go to both feeds
  const store = await openStateStore({ url: config.stateDb, dataDir, bus: { publish: (evs) => (bus.publish(evs), steps.publish(evs)) } });
  const closers: (() => Promise<void>)[] = [() => store.close()];
  try {
    const eventLog = new EventLog(store.events, bus, {
      onError: (err, lost) => log.error({ err, lost }, 'netboot log write failed; keeping events for retry'),
    });
    closers.unshift(() => eventLog.flush());
    const metrics = createMetrics(store.nodes, steps);
    closers.push(async () => metrics.close());
    const sink = netbootSink(eventLog, steps);
    let netboot: Netboot | null = null;
    const ctx: ApiContext = {
      config,
      store,
      bus,
      sink,
      version: packageVersion(),
      startedAt: Date.now(),
      netboot: () => netboot?.status() ?? { dhcp: 'off (no interface configured)', tftp: 'off' },
    };
    const tokens = loadTokens(dataDir);
    const ipxe = compileIpxe({
      node: readFileSync(join(templatesDir, 'ipxe', 'node.ipxe.hbs'), 'utf8'),
      unknown: readFileSync(join(templatesDir, 'ipxe', 'unknown.ipxe.hbs'), 'utf8'),
    });
    const imagesDir = resolve(config.images.dir || 'images');

    // The PBX side: tenants' PBX DBs, rendering, registration, balancing.
    const pbx = new PbxTenants(config, store.nodes);
    closers.push(() => pbx.close());
    for (const t of Object.keys(config.tenants)) {
      await pbx.repo(t).catch((err: unknown) => log.warn({ err, tenant: t }, 'PBX DB unreachable; will retry when needed'));
    }
    const renderer = new NodeRenderer(config, loadAsteriskTemplates({ overrideDir: config.asterisk.templatesDir || undefined }), pbx, store);
    // One ARI daemon per active/draining node, connecting OUT to the node's ARI.
    const supervisor: Supervisor = new Supervisor({
      sink,
      graceMs: config.ari.graceSeconds * 1000,
      maxConcurrentStarts: config.ari.maxConcurrentStarts,
      daemonArgv: daemonArgv(),
      credentials: async (nodeId) => {
        const node = await store.nodes.get(nodeId);
        const creds = await store.secrets.ari(node.id, node.name);
        return { url: `http://${node.ip ?? '127.0.0.1'}:${config.ari.port}`, user: creds.user, password: creds.password };
      },
      onAgentState: (nodeId, agent, busy) => {
        controller.agentState(nodeId, agent, busy);
        feed.touch();
      },
      onConnected: (nodeId) => controller.nodeConnected(nodeId),
      onFailed: (nodeId, reason) => controller.nodeFailed(nodeId, reason),
      onChannels: (nodeId, count) => controller.channelsChanged(nodeId, count),
      resolveAgents: async (_nodeId, ids) => {
        const ext = new Map((await pbx.listAgents()).map((a) => [a.id, a.extension]));
        return ids.map((id) => ({ id, extension: ext.get(id) ?? id }));
      },
    });
    closers.unshift(() => supervisor.close());
    const daemons: Daemons = supervisor;
    const assignmentListeners = new Set<(c: readonly AssignmentChange[]) => void>();
    const controller = new ClusterController({
      nodes: store.nodes,
      agents: pbx,
      daemons,
      sink,
      onAssignments: (changes) => {
        for (const fn of assignmentListeners) fn(changes);
        feed.touch();
        metrics.setAgentsPerNode(controller.figures().agents);
      },
    });
    closers.unshift(async () => controller.close());
    const feed = new DashboardFeed(store.nodes, steps, () => controller.figures());
    closers.push(async () => feed.close());
    // Phone-home `ready`: the node joins the PBX DB (row, views, dispatcher) in one transaction.
    const register = async (node: Node) => {
      const creds = await store.secrets.ari(node.id, node.name);
      await (await pbx.repo(node.tenant)).registerNode({
        id: node.id,
        name: node.name,
        tenant: node.tenant,
        address: node.ip ?? '',
        sipPort: config.asterisk.sipPort,
        ariUrl: `http://${node.ip ?? ''}:${config.ari.port}/ari`,
        ariUser: creds.user,
        capacity: node.weight,
        systemname: node.name,
        entityid: node.macs[0] ?? '',
        state: node.state,
        setid: config.tenants[node.tenant]?.setid ?? 1,
      });
      sink.emit({ node: node.id, mac: node.macs[0] ?? null, stage: 'node.registered', detail: { tenant: node.tenant, address: node.ip } });
      // Its daemon connects out to the node's ARI; the first connect makes the node active.
      if (node.state === 'ready') supervisor.watch(node, []);
    };
    const router = buildApi(ctx, tokens.authenticate, {
      onError: (err) => log.error({ err }, 'request failed'),
      metrics,
      dashboard: { feed, publicDir },
      // Nodes poll their bundle's ETag this often: a reassigned node has its new files in seconds.
      boot: { ipxe, imagesDir, bundleFiles: (n) => renderer.bootFiles(n), onReady: register, heartbeatSeconds: 5 },
      render: renderer,
      cluster: {
        controller,
        agents: pbx,
        ariPort: config.ari.port,
        subscribe: (fn) => (assignmentListeners.add(fn), () => assignmentListeners.delete(fn)),
        reassign: async (node, to) => {
          const moved = to.tenant !== undefined && to.tenant !== node.tenant;
          if (moved) await (await pbx.repo(node.tenant)).removeNode(node.id);
          const updated = await store.nodes.update(node.id, { tenant: to.tenant, profile: to.profile });
          // The node agent polls its bundle's ETag: the re-rendered files reach it in seconds.
          if (moved && ['ready', 'active', 'draining', 'drained'].includes(updated.state)) await register(updated);
          sink.emit({ node: node.id, stage: 'node.reassigned', detail: { tenant: updated.tenant, profile: updated.profile } });
          return updated;
        },
      },
    });
    const http = await startHttpServer(router, config.http.host, config.http.port, (err) => log.error({ err }, 'http adapter error'));
    closers.unshift(() => http.close());
    if (config.interface) {
      netboot = await startNetboot(config, store, sink, imagesDir);
      closers.unshift(() => netboot!.close());
    }

    // Retention: prune the netboot log hourly (and once at start).
    const prune = () =>
      store.events
        .prune(Date.now() - config.events.retentionDays * 86_400_000)
        .then((n) => n && log.info({ pruned: n }, 'netboot log pruned'))
        .catch((err: unknown) => log.warn({ err }, 'prune failed'));
    void prune();
    const pruneTimer = setInterval(() => void prune(), 3_600_000);
    pruneTimer.unref();
    closers.unshift(async () => clearInterval(pruneTimer));

    return {
      url: http.url,
      ctx,
      store,
      log,
      async close() {
        for (const c of closers) await c().catch((err: unknown) => log.error({ err }, 'error during shutdown'));
      },
    };
  } catch (e) {
    for (const c of closers) await c().catch(() => undefined);
    throw e;
  }
}

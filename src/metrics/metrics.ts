// Prometheus metrics (prom-client), derived from the steps adapters emit (events/bus.ts StepFeed) so every
// protocol adapter stays unaware of them, plus gauges read at scrape time.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Step, StepFeed } from '../events/bus.js';
import { nodeStates, type NodeState } from '../cluster/nodes.js';

export interface Metrics {
  registry: Registry;
  observeHttp(method: string, route: string, status: number): void;
  /** agents per node, set by the cluster controller */
  setAgentsPerNode(counts: Map<string, number>): void;
  close(): void;
}

const dhcpTypes = new Set(['discover', 'offer', 'request', 'ack', 'nak', 'decline', 'declined', 'release', 'released', 'inform', 'ignore', 'drop', 'error']);

/** `nodes`: the inventory, read at scrape time (the state store's NodesRepo). */
export function createMetrics(nodes: { list(): Promise<readonly { state: NodeState }[]> }, steps: StepFeed): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pbxboot_process_' });
  // DHCP steps come at thousands a second: each is one Map increment here, and the counter is filled in at scrape
  // time (an inc() with labels hashes them every call).
  const dhcpCounts = new Map<string, number>();
  const dhcpTypeOf = new Map<string, string>(); // stage → type label
  new Counter({
    name: 'pbxboot_dhcp_packets_total',
    help: 'DHCP packets by message type / outcome',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, n] of dhcpCounts) this.inc({ type }, n);
    },
  });
  const tftpTransfers = new Counter({ name: 'pbxboot_tftp_transfers_total', help: 'TFTP transfers by outcome', labelNames: ['outcome'], registers: [registry] });
  const tftpBytes = new Counter({ name: 'pbxboot_tftp_bytes_total', help: 'TFTP bytes sent in completed transfers', registers: [registry] });
  const http = new Counter({ name: 'pbxboot_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const bootStage = new Histogram({
    name: 'pbxboot_boot_stage_seconds',
    help: 'seconds from the start of a boot (iPXE script) to each later stage',
    labelNames: ['stage'],
    buckets: [1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [registry],
  });
  const daemonRestarts = new Counter({ name: 'pbxboot_ari_daemon_restarts_total', help: 'ARI daemon restarts', registers: [registry] });
  const moves = new Counter({ name: 'pbxboot_rebalance_moves_total', help: 'agents moved between nodes', registers: [registry] });
  const agents = new Gauge({ name: 'pbxboot_agents', help: 'agents assigned per node', labelNames: ['node'], registers: [registry] });
  new Gauge({
    name: 'pbxboot_nodes',
    help: 'nodes by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = new Map<string, number>(nodeStates.map((s) => [s, 0]));
      for (const n of await nodes.list()) counts.set(n.state, (counts.get(n.state) ?? 0) + 1);
      for (const [state, n] of counts) this.set({ state }, n);
    },
  });

  const bootStart = new Map<string, number>();
  const onEvent = (e: Step) => {
    if (e.stage.startsWith('dhcp.')) {
      let type = dhcpTypeOf.get(e.stage);
      if (type === undefined) {
        type = dhcpTypes.has(e.stage.slice(5)) ? e.stage.slice(5) : 'other';
        if (dhcpTypeOf.size < 100) dhcpTypeOf.set(e.stage, type);
      }
      dhcpCounts.set(type, (dhcpCounts.get(type) ?? 0) + 1);
      return;
    }
    const [area, what = ''] = e.stage.split('.', 2) as [string, string?];
    if (e.stage === 'tftp.complete') {
      tftpTransfers.inc({ outcome: 'complete' });
      if (typeof e.detail?.bytes === 'number') tftpBytes.inc(e.detail.bytes);
    } else if (e.stage === 'tftp.error' || e.stage === 'tftp.denied') tftpTransfers.inc({ outcome: what });
    else if (e.stage === 'ari.restart') daemonRestarts.inc();
    else if (e.stage === 'agent.moved') moves.inc();
    if (!e.node) return;
    if (e.stage === 'http.ipxe-script') {
      bootStart.set(e.node, e.time);
      if (bootStart.size > 10_000) bootStart.delete(bootStart.keys().next().value!);
    } else if ((e.stage === 'http.bundle' || (area === 'agent' && what !== 'heartbeat')) && bootStart.has(e.node)) {
      bootStage.observe({ stage: e.stage }, (e.time - bootStart.get(e.node)!) / 1000);
    }
  };
  return {
    registry,
    observeHttp: (method, route, status) => http.inc({ method, route, status: String(status) }),
    setAgentsPerNode(counts) {
      agents.reset();
      for (const [node, n] of counts) agents.set({ node }, n);
    },
    close: steps.subscribe(onEvent),
  };
}

// DHCP adapter: UDP 67 (+4011 in proxy mode) → decode → facts → directory → policy → reply; every step is a boot event.
import type { BootRule } from '../boot/bootfile.js';
import { macFromBytes } from '../cluster/mac.js';
import type { EventLevel, EventSink } from '../events/event.js';
import { BOOTP_MIN, decodeDhcp, DhcpDecodeError, encodeDhcp, type DhcpMessage } from './codec.js';
import { clientFacts, isBootClient, type ClientFacts } from './facts.js';
import { LeaseTable } from './lease-table.js';
import { LeaseWriter } from './lease-writer.js';
import { MemoryLeaseStore, type LeaseStore } from './leases.js';
import { decide, screen, type BootDirectory, type BootNode, type Decision, type DhcpMode } from './policy.js';
import { parsePool, poolFor, type Pool, type PoolConfig } from './pool.js';
import { buildReply, replyDestination, type ReplyContext } from './reply.js';
import { openDhcpSocket, type DhcpSocket, type Peer } from './udp-socket.js';

export interface DhcpServerOptions {
  mode: DhcpMode;
  /** the boot interface's IPv4 address: server identifier, TFTP next-server, HTTP host, source of replies */
  address: string;
  httpPort: number;
  /** server mode: one pool per subnet; relayed requests use the pool holding giaddr */
  pools?: readonly PoolConfig[];
  /** default lease time for pools that do not set one (config `dhcp.leaseSeconds`) */
  leaseSeconds?: number;
  reservations?: readonly { mac: string; ip: string }[];
  bootTable?: readonly BootRule[];
  directory: BootDirectory;
  /** server mode: where leases live (SqlLeaseStore on the state DB) */
  leases?: LeaseStore;
  sink: EventSink;
  /** tests only: other ports than 67 / 4011 / 68, and a listen address other than 0.0.0.0 (e.g. loopback) */
  ports?: { server?: number; pxe?: number; client?: number; relay?: number };
  listenAddress?: string;
  now?: () => number;
  /** Kernel receive buffer per socket (config `dhcp.receiveBufferBytes`; Linux doubles it, capped by net.core.rmem_max). */
  receiveBufferBytes?: number;
  /** Batched native sockets when the addon is built (config `dhcp.batchedIo`, default true); false: node:dgram. */
  batchedIo?: boolean;
}

export interface DhcpStats {
  received: number;
  dropped: number;
  offers: number;
  acks: number;
  naks: number;
  ignored: number;
  errors: number;
  /** receive → send of OFFERs, ms */
  offerLatency: { count: number; max: number; sum: number };
  /** receive → send of ACKs, ms: includes the wait for the lease's group commit */
  ackLatency: { count: number; max: number; sum: number };
}

export interface DhcpServerHandle {
  close(): Promise<void>;
  /** Replace per-node reservations (after nodes change). */
  setReservations(list: readonly { mac: string; ip: string }[]): void;
  stats(): DhcpStats;
  /** live bound leases ip → mac */
  bound(): Map<string, string>;
  /** The kernel's receive buffer of each socket, bytes (what it granted: twice the request, capped by rmem_max). */
  receiveBuffers(): number[];
  /** 'native' (batched recvmmsg/sendmmsg) or 'dgram' */
  readonly engine: 'native' | 'dgram' | 'off';
}

/** One request on its way through the server. */
interface Packet {
  msg: DhcpMessage;
  f: ClientFacts;
  /** the facts' event detail, shared by the packet's events */
  c: Record<string, unknown>;
  rinfo: Peer;
  inPort: number;
  replySock: DhcpSocket;
  /** performance.now() when it was received */
  t0: number;
  /** server mode: the client's pool */
  pool: Pool | null;
}

// Built with assignments, not conditional spreads: a spread of a fresh object literal costs a runtime call per packet.
function factsDetail(f: ClientFacts): Record<string, unknown> {
  const d: Record<string, unknown> = { xid: f.xid, arch: f.arch, firmware: f.firmware, vendorClass: f.vendorClass, ipxe: f.ipxe };
  if (f.uuid) d.uuid = f.uuid;
  if (f.relay) (d.relay = f.relay.giaddr), (d.agentInfo = f.relay.agentInfo !== null);
  return d;
}

/** Starts the DHCP side; with mode `off` it opens nothing (another DHCP server points clients at us). */
export async function startDhcpServer(o: DhcpServerOptions): Promise<DhcpServerHandle> {
  const now = o.now ?? Date.now;
  const stats: DhcpStats = { received: 0, dropped: 0, offers: 0, acks: 0, naks: 0, ignored: 0, errors: 0, offerLatency: { count: 0, max: 0, sum: 0 }, ackLatency: { count: 0, max: 0, sum: 0 } };
  const pools: Pool[] = o.mode === 'server' ? (o.pools ?? []).map((p) => parsePool(p, o.leaseSeconds)) : [];
  const table = new LeaseTable(pools, { now, exclude: [o.address] });
  table.setReservations(o.reservations ?? []);
  const store = o.leases ?? new MemoryLeaseStore();
  if (o.mode === 'server') table.load(await store.all());
  const writer = new LeaseWriter(store);
  const server = { address: o.address, httpPort: o.httpPort };
  const sockets: DhcpSocket[] = [];
  // A packet's events share its facts' detail `c`, built once per packet by handle().
  const emit = (level: EventLevel, stage: string, f: ClientFacts | null, detail: Record<string, unknown>, node?: BootNode | null, c?: Record<string, unknown>): void =>
    // time set here: the event log would otherwise copy the whole event to add it
    o.sink.emit({ time: now(), stage, level, mac: f?.mac ?? null, node: node?.id ?? null, detail: f ? Object.assign({}, c ?? factsDetail(f), detail) : detail });

  if (o.mode === 'off') {
    return { close: async () => {}, setReservations: () => {}, stats: () => stats, bound: () => new Map(), receiveBuffers: () => [], engine: 'off' };
  }
  const port = o.ports?.server ?? 67;
  // The buffer absorbs a boot storm's burst; too large and an overloaded server answers requests that their
  // clients have already given up on (seconds old), so its useful rate collapses instead of levelling off:
  // with 4 MiB, perfdhcp offering 8,000/s got 29 DORA/s; with 1 MiB, 4,307, and 10,000 clients at once still ~5 s.
  const rcvbuf = o.receiveBufferBytes ?? 1 << 20;
  const batched = o.batchedIo ?? true;
  // A failed bind closes what was already open, so a retry (or the next test) can bind again.
  const open = async (address: string, p: number): Promise<DhcpSocket> => {
    try {
      const s = await openDhcpSocket(address, p, rcvbuf, batched);
      sockets.push(s);
      return s;
    } catch (err) {
      await Promise.all(sockets.map((s) => s.close()));
      throw err;
    }
  };
  const rx = await open(o.listenAddress ?? '0.0.0.0', port);
  // Bound to the interface address, sends to 255.255.255.255 leave by that interface (FIELD-NOTES "Sockets").
  const tx = await open(o.address, port);
  const pxe = o.mode === 'proxy' ? await open(o.listenAddress ?? '0.0.0.0', o.ports?.pxe ?? 4011) : null;

  const viaOf = (inPort: number) => (inPort === port ? ('dhcp' as const) : ('pxe' as const));

  function send(sock: DhcpSocket, msg: DhcpMessage, dest: Peer): void {
    sock.send(encodeDhcp(msg, BOOTP_MIN), dest);
  }

  // Whose reply the kernel refused, read back from the reply itself: a broadcast or relay address is shared by
  // many clients, and keeping a note per reply would cost every packet for a rare error.
  function sendFailed(err: Error, to: Peer | undefined, datagram: Buffer | undefined): void {
    stats.errors++;
    let mac: string | null = null;
    const detail: Record<string, unknown> = { error: err.message };
    if (to) detail.to = `${to.address}:${to.port}`;
    if (datagram) {
      try {
        const reply = decodeDhcp(datagram);
        mac = macFromBytes(reply.chaddr);
        detail.xid = reply.xid;
      } catch {
        // not one of our replies: the destination is all there is to say
      }
    }
    o.sink.emit({ time: now(), stage: 'dhcp.error', level: 'error', mac, node: null, detail });
  }

  // A packet runs synchronously from decode to reply unless it must wait: for the directory (a lookup that is not
  // cached) or for its lease's group commit (an ACK). The rest (most DISCOVERs, every packet of a cached client but
  // the ACK's commit) costs no promise, microtask or closure on the packet loop.
  function handle(buf: Buffer, rinfo: Peer, inPort: number, replySock: DhcpSocket): Promise<void> | void {
    const t0 = performance.now();
    stats.received++;
    let msg: DhcpMessage;
    try {
      msg = decodeDhcp(buf);
    } catch (err) {
      stats.dropped++;
      const reason = err instanceof DhcpDecodeError ? err.reason : 'error';
      emit('debug', 'dhcp.drop', null, { reason, from: `${rinfo.address}:${rinfo.port}`, bytes: buf.length, error: (err as Error).message });
      return;
    }
    if (msg.op !== 1) {
      stats.dropped++;
      emit('debug', 'dhcp.drop', null, { reason: 'not a BOOTREQUEST', from: `${rinfo.address}:${rinfo.port}` });
      return;
    }
    const f = clientFacts(msg);
    const c = factsDetail(f);
    emit('debug', `dhcp.${f.type?.toLowerCase() ?? 'unknown'}`, f, { port: inPort, from: `${rinfo.address}:${rinfo.port}` }, null, c);
    const p: Packet = { msg, f, c, rinfo, inPort, replySock, t0, pool: o.mode === 'server' ? poolFor(pools, f.relay?.giaddr ?? o.address) : null };
    const early = screen({ mode: o.mode, facts: f, via: viaOf(inPort), serverId: o.address });
    if (early) return finish(p, early, null);
    const found = o.directory.lookup(f.mac);
    return found instanceof Promise ? found.then((node) => known(p, node)) : known(p, found);
  }

  function known(p: Packet, found: BootNode | null): Promise<void> | void {
    if (found === null && isBootClient(p.f)) {
      const d = o.directory.discovered(p.f.mac, p.f);
      return d instanceof Promise ? d.then((node) => decideFor(p, node)) : decideFor(p, d);
    }
    return decideFor(p, found);
  }

  function decideFor(p: Packet, node: BootNode | null): Promise<void> | void {
    const f = p.f;
    if (node?.ip && o.mode === 'server') table.reserve(f.mac, node.ip); // the node record's address wins
    const address = p.pool ? table.view(p.pool, f.mac, f.requestedIp) : null;
    return finish(p, decide({ mode: o.mode, facts: f, via: viaOf(p.inPort), serverId: o.address, server, table: o.bootTable, node, address }), node);
  }

  function finish(p: Packet, d: Decision, node: BootNode | null): Promise<void> | void {
    const { f, c, pool } = p;
    switch (d.kind) {
      case 'ignore':
        stats.ignored++;
        if (d.forgetOffer && pool) table.forgetOffer(pool, f.mac);
        emit(d.level, 'dhcp.ignore', f, { reason: d.reason }, node, c);
        return;
      case 'record': {
        const lease = d.op === 'decline' ? table.decline(d.ip) : table.release(f.mac, d.ip);
        const logged = () => emit(d.op === 'decline' ? 'warn' : 'info', `dhcp.${d.op}d`, f, { ip: d.ip }, node, c);
        if (!lease) return logged();
        return writer.put(lease).then(logged, (err: Error) => (emit('error', 'dhcp.error', f, { error: `lease store: ${err.message}` }, node, c), logged()));
      }
      case 'offer':
        if (d.yiaddr) table.offer(f.mac, d.yiaddr);
        break;
      case 'ack':
        if (d.yiaddr && pool) {
          const lease = table.bind(f.mac, d.yiaddr, pool.leaseSeconds, { clientId: f.clientId, hostname: f.hostname });
          // an ACK is only sent for a lease that survives a restart
          return writer.put(lease).then(
            () => reply(p, d, node),
            (err: Error) => {
              stats.errors++;
              emit('error', 'dhcp.error', f, { error: `lease store: ${err.message}`, ip: d.yiaddr }, node, c);
            },
          );
        }
        break;
      case 'nak':
        break;
    }
    reply(p, d, node);
  }

  function reply(p: Packet, d: Extract<Decision, { kind: 'offer' | 'ack' | 'nak' }>, node: BootNode | null): void {
    const { msg, f, inPort } = p;
    const ctx: ReplyContext = { serverId: o.address, pool: p.pool, from: { address: p.rinfo.address, port: p.rinfo.port }, port: inPort, serverPort: port, clientPort: o.ports?.client ?? 68, relayPort: o.ports?.relay ?? 67 };
    const dest = replyDestination(msg, d.kind, ctx);
    send(inPort === port ? tx : p.replySock, buildReply(msg, f, d, ctx), dest);
    const ms = performance.now() - p.t0;
    if (d.kind === 'offer') {
      stats.offers++;
      stats.offerLatency.count++;
      stats.offerLatency.sum += ms;
      stats.offerLatency.max = Math.max(stats.offerLatency.max, ms);
    } else if (d.kind === 'ack') {
      stats.acks++;
      stats.ackLatency.count++;
      stats.ackLatency.sum += ms;
      stats.ackLatency.max = Math.max(stats.ackLatency.max, ms);
    } else stats.naks++;
    const detail: Record<string, unknown> = { to: `${dest.address}:${dest.port}`, ms: Math.round(ms * 1000) / 1000 };
    if (d.kind === 'nak') detail.reason = d.reason;
    else {
      if (d.yiaddr) detail.ip = d.yiaddr;
      if (d.boot) detail.bootfile = d.boot.kind === 'tftp' ? d.boot.file : d.boot.url;
      if (o.mode === 'proxy') detail.proxy = true;
    }
    emit(d.kind === 'nak' ? 'warn' : 'info', `dhcp.${d.kind}`, f, detail, node, p.c);
  }

  const listen = (s: DhcpSocket, inPort: number): void => {
    const failed = (err: Error) => {
      stats.errors++;
      o.sink.emit({ stage: 'dhcp.error', level: 'error', detail: { error: err.message } });
    };
    s.onMessage((buf, rinfo) => {
      try {
        handle(buf, rinfo, inPort, s)?.catch(failed);
      } catch (err) {
        failed(err as Error);
      }
    });
    s.onError(sendFailed);
  };
  listen(rx, port);
  listen(tx, port);
  if (pxe) listen(pxe, o.ports?.pxe ?? 4011);

  return {
    async close() {
      await Promise.all(sockets.map((s) => s.close()));
      await writer.drain();
    },
    setReservations: (list) => table.setReservations(list),
    stats: () => ({ ...stats, offerLatency: { ...stats.offerLatency }, ackLatency: { ...stats.ackLatency } }),
    receiveBuffers: () => sockets.map((s) => s.recvBufferSize()),
    engine: rx.engine,
    bound: () => table.bound(),
  };
}

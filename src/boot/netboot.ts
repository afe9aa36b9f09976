// Starts the netboot servers (DHCP, TFTP) on the configured interface; the
// composition root calls this only when `interface` is set.
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import { PbxbootError } from '../errors.js';
import type { EventSink } from '../events/event.js';
import { startDhcpServer, type DhcpServerHandle } from '../dhcp/server.js';
import { SqlLeaseStore } from '../dhcp/lease-sql.js';
import { startTftpServer, type TftpServer } from '../tftp/server.js';
import type { StateStore } from '../store/state-store.js';
import { nodeDirectory } from './directory.js';
import { startRadvd, type RouterAdvertiser } from './radvd.js';

export interface Netboot {
  address: string;
  dhcp: DhcpServerHandle | null;
  tftp: TftpServer;
  ra: RouterAdvertiser | null;
  status(): Record<string, unknown>;
  close(): Promise<void>;
}

/** The interface's first IPv4 address (or serverAddress when set). */
export function interfaceAddress(config: Pick<Config, 'interface' | 'serverAddress'>): string {
  if (config.serverAddress) return config.serverAddress;
  const addrs = networkInterfaces()[config.interface];
  if (!addrs) {
    throw new PbxbootError('E_CONFIG', `interface "${config.interface}" does not exist (have: ${Object.keys(networkInterfaces()).join(', ')})`, { value: config.interface });
  }
  const v4 = addrs.find((a) => a.family === 'IPv4');
  if (!v4) throw new PbxbootError('E_CONFIG', `interface "${config.interface}" has no IPv4 address`, { value: config.interface });
  return v4.address;
}

export async function startNetboot(config: Config, store: StateStore, sink: EventSink, imagesDir: string): Promise<Netboot> {
  const address = interfaceAddress(config);
  const tftpRoot = resolve(config.tftp.root || join(imagesDir, 'ipxe'));
  const t = config.tftp;
  const tftp = await startTftpServer({
    host: address,
    port: t.port,
    root: tftpRoot,
    maxTransfers: t.maxTransfers,
    maxBlksize: t.maxBlksize,
    maxWindowsize: t.maxWindowsize,
    retries: t.retries,
    timeoutMs: t.timeoutMs,
    perClientRate: { perSecond: t.ratePerSecond, burst: t.rateBurst },
    segmentOffload: t.segmentOffload,
    nativePump: t.nativePump,
    busyPollUs: t.busyPollUs,
    sink,
  });
  let dhcp: DhcpServerHandle | null = null;
  let ra: RouterAdvertiser | null = null;
  try {
    if (config.dhcp.mode !== 'off') {
      const reservations = (await store.nodes.list()).flatMap((n) => (n.ip ? n.macs.map((mac) => ({ mac, ip: n.ip! })) : []));
      dhcp = await startDhcpServer({
        mode: config.dhcp.mode,
        address,
        httpPort: config.http.port,
        pools: config.dhcp.pools.map(({ start, end, ...p }) => ({ ...p, range: { start, end } })),
        leaseSeconds: config.dhcp.leaseSeconds,
        receiveBufferBytes: config.dhcp.receiveBufferBytes,
        batchedIo: config.dhcp.batchedIo,
        reservations,
        directory: nodeDirectory(store.nodes, config),
        leases: new SqlLeaseStore(store.db),
        sink,
      });
    }
    if (config.netboot.routerAdvertisement) ra = await startRadvd({ interface: config.interface, dir: resolve(config.dataDir), sink });
  } catch (e) {
    await dhcp?.close();
    await tftp.close();
    throw e;
  }
  return {
    address,
    dhcp,
    tftp,
    ra,
    status: () => ({
      interface: config.interface,
      address,
      dhcp: config.dhcp.mode,
      tftp: `${address}:${config.tftp.port} root ${tftpRoot}`,
      ...(dhcp ? { dhcpStats: dhcp.stats() } : {}),
      tftpTransfers: tftp.stats(),
      routerAdvertisement: ra ? ra.status() : 'off',
    }),
    async close() {
      await ra?.close();
      await dhcp?.close();
      await tftp.close();
    },
  };
}

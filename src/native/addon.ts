// Loads pbxboot's optional native addon (native/udp-io, built by `npm ci`'s postinstall): the TFTP pump and GSO
// sends, and the DHCP server's batched sockets. Null when absent or built for another Node ABI, and every caller
// then falls back to node:dgram.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface PumpStart {
  /** Local IPv4 address the transfer socket binds (port 0: the kernel picks the TID). */
  bind: string;
  ip: string;
  port: number;
  data: Buffer;
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  maxTimeoutMs: number;
  retries: number;
  /** The encoded OACK to send first (RFC 2347), or null to start with DATA 1. */
  oack: Buffer | null;
  gso: boolean;
  /** Busy-poll for the next ACK this long before sleeping (at most one spinning thread per spare CPU). */
  spinUs: number;
}

export interface PumpResult {
  kind: 'done' | 'timeout' | 'client-error' | 'illegal-operation' | 'socket' | 'aborted';
  durationMs: number;
  retransmissions: number;
  /** ACKs read by busy-polling rather than after a wake-up (native/udp-io/tftp_pump.c, recv_near and recv_far). */
  acksCaughtSpinning: number;
  afterOack: boolean;
  clientCode?: number;
  clientMessage?: string;
  message?: string;
}

/** native/udp-io/udp_batch.c: `rx` holds BATCH_SLOTS slots of BATCH_SLOT_BYTES, then [length, IPv4, port] per slot;
 * a longer datagram's length is its real one, its slot holds the first BATCH_SLOT_BYTES. */
export const BATCH_SLOTS = 64;
export const BATCH_SLOT_BYTES = 9216;

export interface NativeAddon {
  sendSegments(fd: number, ip: string, port: number, buffers: Buffer[], segmentSize: number): number;
  startTransfer(o: PumpStart, onEnd: (r: PumpResult) => void): { port: number; handle: unknown };
  abortTransfer(handle: unknown): void;
  /** Binds a UDP socket (SO_REUSEADDR, SO_BROADCAST); onBatch(n) gets the n datagrams now in `rx`. */
  openBatchSocket(address: string, port: number, rcvbuf: number, onBatch: (n: number) => void, onSendError: (message: string, ip: string, port: number, datagram: Buffer) => void): { handle: unknown; rx: ArrayBuffer };
  /** Queues a datagram (IPv4 as a host-order uint32); queued datagrams leave in one sendmmsg per event-loop turn. */
  batchSend(handle: unknown, buf: Buffer, ip: number, port: number): void;
  batchClose(handle: unknown): void;
  batchInfo(handle: unknown): { port: number; rcvbuf: number };
}

let addon: NativeAddon | null | undefined;

export function nativeAddon(): NativeAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.platform !== 'linux') return addon;
  // src/native → repo root, and dist/native → repo root: the addon lives beside package.json either way.
  const file = fileURLToPath(new URL('../../native/udp-io/build/Release/udp_io.node', import.meta.url));
  if (!existsSync(file)) return addon;
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch {
    addon = null;
  }
  return addon;
}

// Batched DATA sends through Linux UDP GSO (native/udp-io): one sendmsg() per run of datagrams instead of
// one dgram.send() each. Optional: when the addon is not built or the kernel refuses, sends fall back to dgram.
import type dgram from 'node:dgram';
import { nativeAddon } from '../native/addon.js';

/** The kernel cuts at most 64 segments from one send (UDP_MAX_SEGMENTS), and one UDP payload is ≤ 65507 bytes. */
const MAX_SEGMENTS = 64;
const MAX_GSO_BYTES = 65507;

/** Whether the native batch sender is loaded (reported in tftp.complete events and by the bench). */
export function segmentOffloadAvailable(): boolean {
  return nativeAddon() !== null;
}

/** The OS descriptor of a bound dgram socket; Node keeps it in a private handle, so probe defensively. */
function socketFd(sock: dgram.Socket): number | null {
  for (const sym of Object.getOwnPropertySymbols(sock)) {
    const state = (sock as unknown as Record<symbol, { handle?: { fd?: unknown } } | undefined>)[sym];
    const fd = state?.handle?.fd;
    if (typeof fd === 'number' && fd >= 0) return fd;
  }
  return null;
}

export interface DatagramBatcher {
  /** Sends `count` datagrams, given as header + payload pairs in `parts`, in order; returns how many it took
   *  care of — the caller sends the rest through dgram. */
  send(parts: Buffer[], count: number, segmentSize: number): number;
}

const EAGAIN = 11;

/** A batcher for one transfer socket and peer, or null when GSO cannot be used. */
export function gsoBatcher(sock: dgram.Socket, ip: string, port: number): DatagramBatcher | null {
  const a = nativeAddon();
  const fd = a ? socketFd(sock) : null;
  if (!a || fd === null) return null;
  let broken = false;
  return {
    send(parts, count, segmentSize) {
      if (broken) return 0;
      const per = Math.max(1, Math.min(MAX_SEGMENTS, Math.floor(MAX_GSO_BYTES / segmentSize)));
      for (let first = 0; first < count; first += per) {
        const n = Math.min(per, count - first);
        const r = a.sendSegments(fd, ip, port, n === count ? parts : parts.slice(first * 2, (first + n) * 2), segmentSize);
        if (r < 0) {
          // EAGAIN: the socket buffer is full; dgram queues the rest until the socket drains, so nothing is lost.
          // Anything else: the kernel or the route refuses GSO, and this transfer goes on through dgram.
          if (r !== -EAGAIN) broken = true;
          return first;
        }
      }
      return count;
    },
  };
}

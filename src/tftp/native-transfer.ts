// Runs one read transfer on the native data pump (native/udp-io/tftp_pump.c): a thread per transfer that answers
// each ACK without a trip through the event loop. Same wire behaviour as TransferSession (session.ts), which it mirrors.
import { nativeAddon, type PumpResult } from '../native/addon.js';
import type { Negotiated } from './negotiate.js';
import { encodePacket } from './packet.js';
import { maxTimeoutFor, type TransferEnd } from './session.js';

export interface NativeTransferOptions {
  /** Local IPv4 address to bind ('0.0.0.0' = any); the port is the kernel's choice (the TID). */
  host: string;
  ip: string;
  port: number;
  /** The whole file, in wire form. */
  data: Buffer;
  negotiated: Negotiated;
  retries: number;
  segmentOffload: boolean;
  busyPollUs: number;
}

/** Whether transfers can run on the native pump (the addon is built for this Node). */
export function nativeTransfersAvailable(): boolean {
  return nativeAddon() !== null;
}

function toEnd(r: PumpResult, o: NativeTransferOptions): TransferEnd {
  const n = o.negotiated;
  switch (r.kind) {
    case 'done':
      return { kind: 'done', bytes: o.data.length, durationMs: r.durationMs, blksize: n.blksize, windowsize: n.windowsize, retransmissions: r.retransmissions };
    case 'socket':
      return { kind: 'socket', message: r.message ?? 'socket error' };
    case 'aborted':
      return { kind: 'aborted' };
    default: {
      const clientError = r.clientCode !== undefined ? { code: r.clientCode, message: r.clientMessage ?? '' } : undefined;
      return { kind: 'fail', reason: r.kind, ...(clientError ? { clientError } : {}), afterOack: r.afterOack, retransmissions: r.retransmissions };
    }
  }
}

/** Starts the transfer (onEnd runs once, on the event loop), or returns null when the addon is missing or
 *  cannot take it (e.g. a host name to bind instead of an address): the caller then uses the dgram engine. */
export function startNativeTransfer(o: NativeTransferOptions, onEnd: (e: TransferEnd) => void): { abort(): void } | null {
  const addon = nativeAddon();
  if (!addon) return null;
  const n = o.negotiated;
  try {
    const started = addon.startTransfer(
      {
        bind: o.host,
        ip: o.ip,
        port: o.port,
        data: o.data,
        blksize: n.blksize,
        windowsize: n.windowsize,
        timeoutMs: n.timeoutMs,
        maxTimeoutMs: maxTimeoutFor(n.timeoutMs),
        retries: o.retries,
        oack: n.oack ? encodePacket({ op: 'OACK', options: n.oack }) : null,
        gso: o.segmentOffload,
        spinUs: o.busyPollUs,
      },
      (r) => onEnd(toEnd(r, o)),
    );
    return { abort: () => addon.abortTransfer(started.handle) };
  } catch {
    return null;
  }
}

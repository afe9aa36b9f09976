// Runs one read transfer on the native data pump (native/tftp-io/tftp_pump.c): a thread per transfer that answers
// each ACK without a trip through the event loop. Same wire behaviour as TransferSession (session.ts), which it mirrors.
import { nativeAddon, type PumpResult } from './native-addon.js';
import type { Negotiated } from './negotiate.js';
import { encodePacket } from './packet.js';
import { maxTimeoutFor } from './session.js';

export interface NativeTransfer {
  /** The transfer's own port (its TID). */
  readonly port: number;
  /** Ends the transfer without a word to the client (server shutdown); onEnd still runs, with kind 'aborted'. */
  abort(): void;
}

/** Whether transfers can run on the native pump (the addon is built for this Node). */
export function nativeTransfersAvailable(): boolean {
  return nativeAddon() !== null;
}

/** Starts the transfer, or returns null when the addon is missing. Throws when the socket cannot be bound. */
export function startNativeTransfer(
  o: { bind: string; ip: string; port: number; data: Buffer; negotiated: Negotiated; retries: number; gso: boolean; busyPollUs: number },
  onEnd: (r: PumpResult) => void,
): NativeTransfer | null {
  const addon = nativeAddon();
  if (!addon) return null;
  const n = o.negotiated;
  const started = addon.startTransfer(
    {
      bind: o.bind,
      ip: o.ip,
      port: o.port,
      data: o.data,
      blksize: n.blksize,
      windowsize: n.windowsize,
      timeoutMs: n.timeoutMs,
      maxTimeoutMs: maxTimeoutFor(n.timeoutMs),
      retries: o.retries,
      oack: n.oack ? encodePacket({ op: 'OACK', options: n.oack }) : null,
      gso: o.gso,
      spinUs: o.busyPollUs,
    },
    onEnd,
  );
  return { port: started.port, abort: () => addon.abortTransfer(started.handle) };
}

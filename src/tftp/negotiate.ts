// Option negotiation policy (RFC 2347 OACK; 2348 blksize; 2349 tsize, timeout; 7440 windowsize): request options → agreed values.
import type { TftpOptions } from './packet.js';

export interface NegotiationLimits {
  /** Largest block the link carries without IP fragmentation (MTU − 20 IP − 8 UDP − 4 TFTP). */
  maxBlksize: number;
  /** Largest window we agree to; RFC 7440 allows 65535, we cap lower to bound bursts. */
  maxWindowsize: number;
  /** Retransmission timeout when the client asks for none. */
  defaultTimeoutMs: number;
}

export interface Negotiated {
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  /** Options to acknowledge, in the client's order and spelling; null = no OACK (plain RFC 1350 transfer). */
  oack: TftpOptions | null;
}

const digits = /^[0-9]{1,10}$/;

/**
 * Agrees each known option; unknown or out-of-range options are left out of the OACK, which
 * RFC 2347 defines as "not supported" so the client falls back to the default.
 */
export function negotiate(options: TftpOptions, fileSize: number, limits: NegotiationLimits): Negotiated {
  const out: Negotiated = { blksize: 512, windowsize: 1, timeoutMs: limits.defaultTimeoutMs, oack: null };
  const ack: TftpOptions = [];
  const seen = new Set<string>();
  for (const [name, value] of options) {
    const key = name.toLowerCase();
    if (seen.has(key) || !digits.test(value)) continue; // first occurrence wins; values are decimal
    seen.add(key);
    const n = Number(value);
    switch (key) {
      case 'blksize': // RFC 2348: 8–65464; the server may answer smaller
        if (n < 8) continue;
        out.blksize = Math.min(n, 65464, Math.max(8, limits.maxBlksize));
        ack.push([name, String(out.blksize)]);
        break;
      case 'tsize': // RFC 2349 §"Transfer Size Option": RRQ carries 0, OACK carries the size
        ack.push([name, String(fileSize)]);
        break;
      case 'timeout': // RFC 2349: 1–255 seconds, echoed unchanged or not at all
        if (n < 1 || n > 255) continue;
        out.timeoutMs = n * 1000;
        ack.push([name, String(n)]);
        break;
      case 'windowsize': // RFC 7440 §3: 1–65535; the server may answer smaller
        if (n < 1 || n > 65535) continue;
        out.windowsize = Math.min(n, Math.max(1, limits.maxWindowsize));
        ack.push([name, String(out.windowsize)]);
        break;
      default:
        break; // RFC 2347: unknown options are ignored
    }
  }
  if (ack.length > 0) out.oack = ack;
  return out;
}

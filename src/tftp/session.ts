// One read transfer as a pure state machine: packets and timer expiries in, actions out (RFC 1350, 2347, 7440); the clock is injected.
import type { TftpOptions, TftpPacket } from './packet.js';
import { ErrorCode } from './packet.js';

/** The bytes of one transfer, already in wire form (netascii converted by the caller). */
export interface TransferSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

export interface SessionOptions {
  source: TransferSource;
  blksize: number;
  windowsize: number;
  /** Base retransmission timeout; doubles per consecutive expiry up to maxTimeoutMs. */
  timeoutMs: number;
  maxTimeoutMs?: number;
  /** Retransmissions of one packet (or window) before the transfer is abandoned. */
  retries: number;
  /** Options to acknowledge first (RFC 2347), or null to start with DATA 1. */
  oack: TftpOptions | null;
}

export interface TransferSummary {
  bytes: number;
  durationMs: number;
  blksize: number;
  windowsize: number;
  retransmissions: number;
}

/** Back-off ceiling for a base timeout: up to 8× the base, at most 10 s (never below the base). */
export const maxTimeoutFor = (timeoutMs: number): number => Math.max(timeoutMs, Math.min(timeoutMs * 8, 10_000));

export type FailReason = 'timeout' | 'client-error' | 'illegal-operation';

/** How a transfer ended, whichever engine ran it (dgram-transfer.ts, native-transfer.ts). */
export type TransferEnd =
  | ({ kind: 'done' } & TransferSummary)
  | { kind: 'fail'; reason: FailReason; clientError?: { code: number; message: string }; afterOack: boolean; retransmissions: number }
  | { kind: 'socket'; message: string }
  /** the server closed */
  | { kind: 'aborted' };

export type SessionAction =
  | { type: 'send'; packet: TftpPacket }
  /** (Re)arm the one retransmission timer of this transfer. */
  | { type: 'timer'; ms: number }
  | ({ type: 'done' } & TransferSummary)
  | { type: 'fail'; reason: FailReason; clientError?: { code: number; message: string }; afterOack: boolean; retransmissions: number };

type Phase = 'new' | 'oack' | 'data' | 'finished';

export class TransferSession {
  readonly blksize: number;
  readonly windowsize: number;
  private readonly o: SessionOptions;
  private readonly lastBlock: number; // internal block numbers are unbounded; the wire carries k & 0xffff
  private readonly maxTimeoutMs: number;
  private phase: Phase = 'new';
  private acked = 0;
  private sent = 0;
  private tries = 0;
  private timeout: number;
  private started = 0;
  private retransmissions = 0;
  private retransHigh = 0; // highest block ever sent twice: duplicate ACKs up to here are echoes, not losses
  private dupReacted = -1;

  constructor(opts: SessionOptions) {
    this.o = opts;
    this.blksize = opts.blksize;
    this.windowsize = Math.max(1, opts.windowsize);
    // RFC 1350 §6: a block shorter than blksize ends the transfer, so an exact multiple needs an empty last block.
    this.lastBlock = Math.floor(opts.source.size / opts.blksize) + 1;
    this.timeout = opts.timeoutMs;
    this.maxTimeoutMs = opts.maxTimeoutMs ?? maxTimeoutFor(opts.timeoutMs);
  }

  get finished(): boolean {
    return this.phase === 'finished';
  }

  start(now: number): SessionAction[] {
    if (this.phase !== 'new') return [];
    this.started = now;
    if (this.o.oack) {
      this.phase = 'oack';
      return [{ type: 'send', packet: { op: 'OACK', options: this.o.oack } }, { type: 'timer', ms: this.timeout }];
    }
    this.phase = 'data';
    return this.sendFrom(1, []);
  }

  onPacket(p: TftpPacket, now: number): SessionAction[] {
    if (this.phase === 'finished' || this.phase === 'new') return [];
    switch (p.op) {
      case 'ACK':
        return this.onAck(p.block, now);
      case 'ERROR': {
        // RFC 2347: ERROR 8 after our OACK is the client declining, e.g. UEFI's tsize probe.
        const afterOack = this.phase === 'oack';
        this.phase = 'finished';
        return [
          {
            type: 'fail',
            reason: 'client-error',
            clientError: { code: p.code, message: p.message },
            afterOack,
            retransmissions: this.retransmissions,
          },
        ];
      }
      default: {
        const afterOack = this.phase === 'oack';
        this.phase = 'finished';
        return [
          { type: 'send', packet: { op: 'ERROR', code: ErrorCode.ILLEGAL_OPERATION, message: `unexpected ${p.op}` } },
          { type: 'fail', reason: 'illegal-operation', afterOack, retransmissions: this.retransmissions },
        ];
      }
    }
  }

  onTimer(_now: number): SessionAction[] {
    if (this.phase === 'finished' || this.phase === 'new') return [];
    this.tries++;
    if (this.tries > this.o.retries) {
      const afterOack = this.phase === 'oack';
      this.phase = 'finished';
      return [
        { type: 'send', packet: { op: 'ERROR', code: ErrorCode.NOT_DEFINED, message: 'timeout' } },
        { type: 'fail', reason: 'timeout', afterOack, retransmissions: this.retransmissions },
      ];
    }
    // Back off so a slow or overloaded client is not flooded (RFC 1123 §4.2.3.2: adaptive timeout).
    this.timeout = Math.min(this.timeout * 2, this.maxTimeoutMs);
    if (this.phase === 'oack') {
      this.retransmissions++;
      return [{ type: 'send', packet: { op: 'OACK', options: this.o.oack ?? [] } }, { type: 'timer', ms: this.timeout }];
    }
    return this.sendFrom(this.acked + 1, []);
  }

  private onAck(wire: number, now: number): SessionAction[] {
    if (this.phase === 'oack') {
      if (wire !== 0) return []; // RFC 2347: the OACK is acknowledged with block 0
      this.phase = 'data';
      this.progress();
      return this.sendFrom(1, []);
    }
    // Map the 16-bit number onto the outstanding range [acked, sent]; at most windowsize+1 candidates.
    let k = -1;
    for (let c = this.sent; c >= this.acked; c--) {
      if ((c & 0xffff) === wire) {
        k = c;
        break;
      }
    }
    if (k < 0) return []; // stale or bogus: never a reason to send
    if (k === this.lastBlock) {
      this.phase = 'finished';
      return [
        {
          type: 'done',
          bytes: this.o.source.size,
          durationMs: now - this.started,
          blksize: this.blksize,
          windowsize: this.windowsize,
          retransmissions: this.retransmissions,
        },
      ];
    }
    if (k > this.acked) {
      this.acked = k;
      this.progress();
      // RFC 7440 §4: an ACK inside the window names the last block received in order; continue after it.
      return this.sendFrom(k + 1, []);
    }
    // Duplicate ACK of the window base. In lock-step, answering it is the sorcerer's apprentice bug
    // (RFC 1123 §4.2.3.1): never. In a window it signals a loss, unless it echoes our own retransmission;
    // answer it once per base so duplicates cannot multiply.
    if (this.windowsize > 1 && k > this.retransHigh && this.dupReacted !== k && this.sent > k) {
      this.dupReacted = k;
      return this.sendFrom(k + 1, []);
    }
    return [];
  }

  private progress(): void {
    this.tries = 0;
    this.timeout = this.o.timeoutMs;
  }

  /** Sends blocks from..from+windowsize-1 (bounded by the last block) and arms the timer. */
  private sendFrom(from: number, out: SessionAction[]): SessionAction[] {
    const to = Math.min(from + this.windowsize - 1, this.lastBlock);
    const bs = this.blksize;
    const size = this.o.source.size;
    for (let k = from; k <= to; k++) {
      if (k <= this.sent) {
        this.retransmissions++;
        if (k > this.retransHigh) this.retransHigh = k;
      }
      const off = (k - 1) * bs;
      const len = Math.max(0, Math.min(bs, size - off));
      out.push({ type: 'send', packet: { op: 'DATA', block: k & 0xffff, data: this.o.source.read(off, len) } });
    }
    if (to > this.sent) this.sent = to;
    out.push({ type: 'timer', ms: this.timeout });
    return out;
  }
}

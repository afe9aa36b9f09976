// Runs one read transfer on the event loop: TransferSession (session.ts) over a node:dgram socket of its own,
// with each window sent through UDP GSO when the native addon is built. The engine when the native pump is not.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { Negotiated } from './negotiate.js';
import { ErrorCode, decodePacket, encodePacket, type TftpPacket } from './packet.js';
import { TransferSession, type SessionAction, type TransferEnd, type TransferSource } from './session.js';
import { gsoBatcher, type DatagramBatcher } from './udp-gso.js';

const now = (): number => performance.now();

/** Peers are always IP literals: answering the lookup synchronously lets send() go out inside the ACK
 *  handler instead of a tick later (dns.lookup defers even for literals), which is the lock-step latency. */
export const literalLookup = (address: string, _family: unknown, cb: (err: null, address: string, family: number) => void): void => cb(null, address, 4);

export interface DgramTransferOptions {
  /** Local address to bind ('0.0.0.0' = any); the port is the kernel's choice (the TID, RFC 1350 §4). */
  host: string;
  ip: string;
  port: number;
  source: TransferSource;
  negotiated: Negotiated;
  retries: number;
  segmentOffload: boolean;
}

/** Starts the transfer; onEnd runs exactly once (abort() ends it with kind 'aborted'). */
export async function startDgramTransfer(o: DgramTransferOptions, onEnd: (e: TransferEnd, segmentOffload: boolean) => void): Promise<{ abort(): void }> {
  const session = new TransferSession({ source: o.source, ...o.negotiated, retries: o.retries });
  const sock = dgram.createSocket({ type: 'udp4', lookup: literalLookup as never });
  let timer: NodeJS.Timeout | null = null;
  let timerDue = 0;
  let deadline = 0;
  let ended = false;
  let batcher: DatagramBatcher | null = null;
  const end = (e: TransferEnd) => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    // dgram sends resolve the address asynchronously: closing now would swallow a final ERROR.
    setTimeout(() => {
      try {
        sock.close();
      } catch {
        /* already closed */
      }
    }, 20).unref();
    onEnd(e, batcher !== null);
  };
  const fire = () => {
    timer = null;
    const t = now();
    if (t < deadline - 0.5) return arm(deadline);
    run(session.onTimer(t));
  };
  const arm = (due: number) => {
    deadline = due;
    if (timer && timerDue <= due) return; // the pending timer fires first and re-arms lazily
    if (timer) clearTimeout(timer);
    timerDue = due;
    timer = setTimeout(fire, Math.max(0, due - now()));
  };
  // DATA of one window goes out as a batch (header + payload pairs, no copy) when GSO is available.
  // The batch is copied into the kernel before send() returns, so its headers are reused window after window;
  // a datagram left to dgram (which may queue it) gets a header of its own.
  const parts: Buffer[] = [];
  const headers: Buffer[] = [];
  let batched = 0;
  const flush = () => {
    const took = batcher ? batcher.send(parts, batched, 4 + session.blksize) : 0;
    for (let i = took; i < batched; i++) sock.send([Buffer.from(parts[2 * i]!), parts[2 * i + 1]!], o.port, o.ip);
    parts.length = 0;
    batched = 0;
  };
  const queueData = (block: number, data: Uint8Array) => {
    const h = (headers[batched] ??= Buffer.from([0, 3, 0, 0]));
    h[2] = block >>> 8;
    h[3] = block & 0xff;
    parts.push(h, Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    batched++;
  };
  const run = (actions: SessionAction[]) => {
    for (const a of actions) {
      if (ended) return;
      if (batched > 0 && (a.type !== 'send' || a.packet.op !== 'DATA')) flush();
      switch (a.type) {
        case 'send':
          if (a.packet.op === 'DATA') queueData(a.packet.block, a.packet.data);
          else sock.send(encodePacket(a.packet), o.port, o.ip);
          break;
        case 'timer':
          arm(now() + a.ms);
          break;
        case 'done': {
          const { type: _t, ...summary } = a;
          end({ kind: 'done', ...summary });
          break;
        }
        case 'fail': {
          const { type: _t, ...fail } = a;
          end({ kind: 'fail', ...fail });
          break;
        }
      }
    }
    if (batched > 0 && !ended) flush();
  };
  sock.on('message', (msg, rinfo) => {
    if (ended) return;
    if (rinfo.port !== o.port || rinfo.address !== o.ip) {
      // RFC 1350 §4: a packet from a foreign TID gets error 5 and the transfer carries on.
      sock.send(encodePacket({ op: 'ERROR', code: ErrorCode.UNKNOWN_TID, message: 'unknown transfer ID' }), rinfo.port, rinfo.address, () => {});
      return;
    }
    let p: TftpPacket;
    try {
      p = decodePacket(msg);
    } catch {
      return; // a mangled datagram is treated as lost; the timer recovers
    }
    run(session.onPacket(p, now()));
  });
  sock.on('error', (err) => end({ kind: 'socket', message: err.message }));
  const handle = { abort: () => end({ kind: 'aborted' }) };
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind({ address: o.host === '0.0.0.0' ? undefined : o.host, port: 0 }, () => {
        sock.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    end({ kind: 'socket', message: (err as Error).message });
    return handle;
  }
  if (ended) return handle; // aborted while binding
  if (o.segmentOffload) batcher = gsoBatcher(sock, o.ip, o.port);
  run(session.start(now()));
  return handle;
}

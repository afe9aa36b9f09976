// TFTP server adapter: owns the UDP sockets and timers, one ephemeral socket (TID, RFC 1350 §4) per transfer;
// every decision is made by the pure session, negotiation, path and admission modules.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { EventSink } from '../events/event.js';
import { ClientRateLimiter, TransferSlots, type RateLimit } from './admission.js';
import { FileSource, bufferSource, readAll, type ClosableSource, type VirtualFiles } from './file-source.js';
import { negotiate } from './negotiate.js';
import { toNetascii } from './netascii.js';
import { ErrorCode, decodePacket, encodePacket, type TftpOptions, type TftpPacket } from './packet.js';
import { confinePath, defaultPathLimits } from './paths.js';
import { startNativeTransfer, nativeTransfersAvailable, type NativeTransfer } from './native-transfer.js';
import type { Negotiated } from './negotiate.js';
import { TransferSession, type FailReason, type SessionAction, type TransferSummary } from './session.js';
import { gsoBatcher, type DatagramBatcher } from './udp-gso.js';

export interface TftpServerOptions {
  host: string;
  port: number;
  root: string;
  virtualFiles?: VirtualFiles;
  /** Concurrent transfers (config `tftp.maxTransfers`); more requests wait in a queue. */
  maxTransfers: number;
  /** New requests per client IP; absent = unlimited. */
  perClientRate?: RateLimit;
  sink: EventSink;
  /** MTU-derived block cap: 1468 for a 1500-byte MTU (RFC 2348 §"Blocksize Option"). */
  maxBlksize?: number;
  maxWindowsize?: number;
  /** Retransmissions before a transfer is abandoned. */
  retries?: number;
  /** Base retransmission timeout when the client does not negotiate one (RFC 2349). */
  timeoutMs?: number;
  maxQueued?: number;
  queueWaitMs?: number;
  maxPathLength?: number;
  /** Send DATA runs with Linux UDP GSO when the native addon is built (default true); false = one datagram per send. */
  segmentOffload?: boolean;
  /** Run each transfer's data phase on a native thread when the addon is built (default true); false = the event loop. */
  nativePump?: boolean;
  /** Native pump: busy-poll this many µs for each ACK before sleeping (default 50; 0 = always sleep). */
  busyPollUs?: number;
}

export interface TftpServer {
  readonly address: { address: string; port: number };
  stats(): { running: number; waiting: number };
  close(): Promise<void>;
}

interface Request {
  id: number;
  key: string;
  ip: string;
  port: number;
  file: string;
  mode: 'octet' | 'netascii';
  options: TftpOptions;
  abort?: () => void;
}

const now = (): number => performance.now();

/** Peers are always IP literals: answering the lookup synchronously lets send() go out inside the ACK
 *  handler instead of a tick later (dns.lookup defers even for literals), which is the lock-step latency. */
const literalLookup = (address: string, _family: unknown, cb: (err: null, address: string, family: number) => void): void => cb(null, address, 4);

export async function startTftpServer(opts: TftpServerOptions): Promise<TftpServer> {
  const sink = opts.sink;
  const files = new FileSource({ root: opts.root, ...(opts.virtualFiles ? { virtualFiles: opts.virtualFiles } : {}) });
  const limiter = opts.perClientRate ? new ClientRateLimiter(opts.perClientRate) : null;
  const slots = new TransferSlots<Request>({
    maxActive: Math.max(1, opts.maxTransfers),
    maxQueued: opts.maxQueued ?? 4096,
    maxWaitMs: opts.queueWaitMs ?? 30_000,
  });
  const limits = {
    maxBlksize: opts.maxBlksize ?? 1468,
    maxWindowsize: opts.maxWindowsize ?? 64,
    defaultTimeoutMs: opts.timeoutMs ?? 1000,
  };
  const retries = opts.retries ?? 5;
  const pending = new Map<string, Request>(); // queued or running, by client ip:port (dedupes RRQ retransmissions)
  let nextId = 1;
  let closed = false;

  const main = dgram.createSocket({ type: 'udp4', reuseAddr: false, lookup: literalLookup as never });
  const emit = (stage: string, req: Pick<Request, 'ip' | 'port'> & Partial<Request>, detail: Record<string, unknown>, level: 'debug' | 'info' | 'warn' | 'error' = 'info') =>
    sink.emit({ stage, mac: null, level, detail: { ip: req.ip, port: req.port, ...(req.file !== undefined ? { file: req.file } : {}), ...(req.id !== undefined ? { transfer: req.id } : {}), ...detail } });
  const sendError = (sock: dgram.Socket, ip: string, port: number, code: number, message: string) => {
    if (!closed) sock.send(encodePacket({ op: 'ERROR', code, message }), port, ip, () => {});
  };

  const reportDone = (req: Request, a: TransferSummary, engine: 'native' | 'dgram', segmentOffload: boolean) =>
    emit('tftp.complete', req, {
      bytes: a.bytes,
      ms: Math.round(a.durationMs),
      blksize: a.blksize,
      windowsize: a.windowsize,
      retransmissions: a.retransmissions,
      engine,
      segmentOffload,
    });
  const reportFail = (req: Request, a: { reason: FailReason; clientError?: { code: number; message: string } | undefined; afterOack: boolean; retransmissions: number }) => {
    // UEFI firmware declines our OACK with error 8 after a tsize probe, then asks again: not a fault.
    const probe = a.reason === 'client-error' && a.afterOack && a.clientError?.code === ErrorCode.OPTION_REFUSED;
    emit('tftp.error', req, { reason: a.reason, ...(a.clientError ? { clientError: a.clientError } : {}), probe, retransmissions: a.retransmissions }, probe ? 'info' : 'warn');
  };

  const release = (req: Request) => {
    pending.delete(req.key);
    const { run, expired } = slots.release(now());
    for (const r of expired) pending.delete(r.key);
    for (const r of run) void runTransfer(r);
  };

  async function runTransfer(req: Request): Promise<void> {
    if (closed) return release(req);
    const opened = await files.open(req.file, req.ip).catch(() => ({ kind: 'missing' }) as const);
    if (opened.kind === 'missing') {
      sendError(main, req.ip, req.port, ErrorCode.FILE_NOT_FOUND, 'file not found');
      emit('tftp.error', req, { code: ErrorCode.FILE_NOT_FOUND, reason: 'not-found' }, 'warn');
      return release(req);
    }
    if (opened.kind === 'denied') {
      sendError(main, req.ip, req.port, ErrorCode.ACCESS_VIOLATION, 'access violation');
      emit('tftp.denied', req, { path: req.file, reason: opened.reason }, 'warn');
      return release(req);
    }
    let source: ClosableSource = opened.source;
    if (req.mode === 'netascii') {
      const converted = bufferSource(toNetascii(readAll(source)));
      source.close();
      source = converted;
    }
    const neg = negotiate(req.options, source.size, limits);
    if (opts.nativePump !== false && nativeTransfersAvailable()) {
      const data = await source.whole();
      if (closed) {
        source.close();
        return release(req);
      }
      if (data && runNative(req, source, neg, data)) return;
    }
    const session = new TransferSession({ source, ...neg, retries });
    const sock = dgram.createSocket({ type: 'udp4', lookup: literalLookup as never });
    let timer: NodeJS.Timeout | null = null;
    let timerDue = 0;
    let deadline = 0;
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      if (timer) clearTimeout(timer);
      source.close();
      // dgram sends resolve the address asynchronously: closing now would swallow a final ERROR.
      setTimeout(() => {
        try {
          sock.close();
        } catch {
          /* already closed */
        }
      }, 20).unref();
      release(req);
    };
    req.abort = end;
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
    let batcher: DatagramBatcher | null = null;
    const parts: Buffer[] = [];
    const headers: Buffer[] = [];
    let batched = 0;
    const flush = () => {
      const took = batcher ? batcher.send(parts, batched, 4 + session.blksize) : 0;
      for (let i = took; i < batched; i++) sock.send([Buffer.from(parts[2 * i]!), parts[2 * i + 1]!], req.port, req.ip);
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
            else sock.send(encodePacket(a.packet), req.port, req.ip);
            break;
          case 'timer':
            arm(now() + a.ms);
            break;
          case 'done':
            reportDone(req, a, 'dgram', batcher !== null);
            end();
            break;
          case 'fail':
            reportFail(req, a);
            end();
            break;
        }
      }
      if (batched > 0 && !ended) flush();
    };
    sock.on('message', (msg, rinfo) => {
      if (ended) return;
      if (rinfo.port !== req.port || rinfo.address !== req.ip) {
        // RFC 1350 §4: a packet from a foreign TID gets error 5 and the transfer carries on.
        sendError(sock, rinfo.address, rinfo.port, ErrorCode.UNKNOWN_TID, 'unknown transfer ID');
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
    sock.on('error', (err) => {
      if (ended) return;
      emit('tftp.error', req, { reason: 'socket', message: err.message }, 'error');
      end();
    });
    try {
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind({ address: opts.host === '0.0.0.0' ? undefined : opts.host, port: 0 }, () => {
          sock.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      emit('tftp.error', req, { reason: 'socket', message: (err as Error).message }, 'error');
      return end();
    }
    if (closed) return end();
    if (opts.segmentOffload !== false) batcher = gsoBatcher(sock, req.ip, req.port);
    if (neg.oack) emit('tftp.oack', req, { options: Object.fromEntries(neg.oack) }, 'debug');
    run(session.start(now()));
  }

  /** The data phase on a native thread; false when it could not start (the caller uses the event loop). */
  function runNative(req: Request, source: ClosableSource, neg: Negotiated, data: Buffer): boolean {
    let ended = false;
    const gso = opts.segmentOffload !== false;
    let t: NativeTransfer | null;
    try {
      t = startNativeTransfer({ bind: opts.host, ip: req.ip, port: req.port, data, negotiated: neg, retries, gso, busyPollUs: opts.busyPollUs ?? 50 }, (r) => {
        if (ended) return;
        ended = true;
        if (r.kind === 'done') {
          reportDone(req, { bytes: data.length, durationMs: r.durationMs, blksize: neg.blksize, windowsize: neg.windowsize, retransmissions: r.retransmissions }, 'native', gso);
        } else if (r.kind === 'socket') {
          emit('tftp.error', req, { reason: 'socket', message: r.message }, 'error');
        } else if (r.kind !== 'aborted') {
          const clientError = r.clientCode !== undefined ? { code: r.clientCode, message: r.clientMessage ?? '' } : undefined;
          reportFail(req, { reason: r.kind, clientError, afterOack: r.afterOack, retransmissions: r.retransmissions });
        }
        source.close();
        release(req);
      });
    } catch {
      t = null; // e.g. a host name instead of an address to bind: the dgram path resolves it
    }
    if (!t) return false;
    req.abort = t.abort;
    if (neg.oack) emit('tftp.oack', req, { options: Object.fromEntries(neg.oack) }, 'debug');
    return true;
  }

  function onRequest(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    let p: TftpPacket;
    try {
      p = decodePacket(msg);
    } catch {
      return; // not TFTP, or broken: no reply, nothing to log per packet
    }
    if (p.op !== 'RRQ' && p.op !== 'WRQ') return; // strays for the well-known port are dropped
    const ip = rinfo.address;
    const port = rinfo.port;
    const key = `${ip}:${port}`;
    const known = pending.get(key);
    if (known) {
      // The client retransmitted its request: a running transfer answers it; a queued one proved the client alive.
      slots.touch(known, now());
      return;
    }
    if (limiter) {
      const d = limiter.check(ip, now());
      if (!d.allowed) {
        if (d.firstDenial) emit('tftp.error', { ip, port }, { reason: 'rate-limited', file: p.filename }, 'warn');
        return;
      }
    }
    if (p.op === 'WRQ') {
      sendError(main, ip, port, ErrorCode.ACCESS_VIOLATION, 'read-only server');
      emit('tftp.denied', { ip, port }, { path: p.filename, reason: 'write' }, 'warn');
      return;
    }
    const mode = p.mode.toLowerCase();
    const req: Request = { id: nextId++, key, ip, port, file: p.filename, mode: 'octet', options: p.options };
    emit('tftp.rrq', req, { mode: p.mode, options: Object.fromEntries(p.options) });
    if (mode !== 'octet' && mode !== 'netascii') {
      sendError(main, ip, port, ErrorCode.ILLEGAL_OPERATION, 'unsupported mode');
      emit('tftp.error', req, { reason: 'mode', mode: p.mode }, 'warn');
      return;
    }
    req.mode = mode;
    const confined = confinePath(p.filename, { maxLength: opts.maxPathLength ?? defaultPathLimits.maxLength });
    if (!confined.ok) {
      sendError(main, ip, port, ErrorCode.ACCESS_VIOLATION, 'access violation');
      emit('tftp.denied', req, { path: p.filename, reason: confined.reason }, 'warn');
      return;
    }
    req.file = confined.path;
    pending.set(key, req);
    const admit = slots.request(req, now());
    for (const r of admit.expired) pending.delete(r.key);
    if (admit.kind === 'run') void runTransfer(req);
    else if (admit.kind === 'dropped') pending.delete(key);
  }

  main.on('message', onRequest);
  main.on('error', (err) => sink.emit({ stage: 'tftp.error', mac: null, level: 'error', detail: { reason: 'socket', message: err.message } }));
  await new Promise<void>((resolve, reject) => {
    main.once('error', reject);
    main.bind({ address: opts.host, port: opts.port }, () => {
      main.off('error', reject);
      resolve();
    });
  });
  const a = main.address();
  return {
    address: { address: a.address, port: a.port },
    stats: () => ({ running: slots.running, waiting: slots.waiting }),
    async close() {
      if (closed) return;
      closed = true;
      for (const r of [...pending.values()]) r.abort?.();
      pending.clear();
      await new Promise<void>((resolve) => main.close(() => resolve()));
    },
  };
}

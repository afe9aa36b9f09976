// TFTP server adapter: owns the well-known port, admits requests and hands each transfer to an engine with its own
// socket (TID, RFC 1350 §4): the native pump or the event loop. Every decision is made by the pure modules.
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import type { EventSink } from '../events/event.js';
import { ClientRateLimiter, TransferSlots, type RateLimit } from './admission.js';
import { FileSource, bufferSource, readAll, type ClosableSource, type VirtualFiles } from './file-source.js';
import { negotiate } from './negotiate.js';
import { toNetascii } from './netascii.js';
import { ErrorCode, decodePacket, encodePacket, type TftpOptions, type TftpPacket } from './packet.js';
import { confinePath, defaultPathLimits } from './paths.js';
import { literalLookup, startDgramTransfer } from './dgram-transfer.js';
import { startNativeTransfer, nativeTransfersAvailable } from './native-transfer.js';
import type { FailReason, TransferEnd, TransferSummary } from './session.js';

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
    const segmentOffload = opts.segmentOffload !== false;
    const finish = (engine: 'native' | 'dgram') => (e: TransferEnd, gso = segmentOffload) => {
      if (e.kind === 'done') reportDone(req, e, engine, gso);
      else if (e.kind === 'fail') reportFail(req, e);
      else if (e.kind === 'socket') emit('tftp.error', req, { reason: 'socket', message: e.message }, 'error');
      source.close();
      release(req);
    };
    const target = { host: opts.host, ip: req.ip, port: req.port, negotiated: neg, retries, segmentOffload };
    if (opts.nativePump !== false && nativeTransfersAvailable()) {
      const data = await source.whole();
      if (closed) return finish('native')({ kind: 'aborted' });
      const t = data ? startNativeTransfer({ ...target, data, busyPollUs: opts.busyPollUs ?? 50 }, finish('native')) : null;
      if (t) {
        req.abort = t.abort;
        if (neg.oack) emit('tftp.oack', req, { options: Object.fromEntries(neg.oack) }, 'debug');
        return;
      }
    }
    if (neg.oack) emit('tftp.oack', req, { options: Object.fromEntries(neg.oack) }, 'debug');
    const t = await startDgramTransfer({ ...target, source }, finish('dgram'));
    req.abort = t.abort;
    if (closed) t.abort();
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

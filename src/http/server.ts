// node:http adapter for the Router: JSON bodies, SSE with heartbeats, files with
// Range and ETag, and a graceful close that lets in-flight requests finish.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createReadStream, promises as fsp } from 'node:fs';
import { FileCache } from './file-cache.js';
import type { AddressInfo } from 'node:net';
import { errorResponse, PreSerialized, type HttpResponse, type Router } from './router.js';
import { PbxbootError } from '../errors.js';

const maxBody = 64 * 1024 * 1024; // agents CSV imports can be large

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > maxBody) throw new PbxbootError('E_USAGE', `request body over ${maxBody} bytes`);
    chunks.push(c as Buffer);
  }
  if (size === 0) return undefined;
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new PbxbootError('E_USAGE', 'request body is not valid JSON');
  }
}

function send(res: ServerResponse, r: HttpResponse, head: boolean): void {
  const headers: Record<string, string> = { ...r.headers };
  let payload: Buffer | string = '';
  if (r.body !== undefined) {
    if (typeof r.body === 'string' || Buffer.isBuffer(r.body)) {
      payload = r.body;
      headers['content-type'] ??= 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(r.body);
      headers['content-type'] ??= 'application/json';
    }
  }
  headers['content-length'] = String(Buffer.byteLength(payload));
  res.writeHead(r.status, headers);
  res.end(head ? undefined : payload);
}

async function sendFile(req: IncomingMessage, res: ServerResponse, r: HttpResponse, fileCache: FileCache): Promise<void> {
  const f = r.file!;
  const st = await fsp.stat(f.path).catch(() => null);
  if (!st || !st.isFile()) return send(res, errorResponse(new PbxbootError('E_NOT_FOUND', 'no such file')), false);
  const etag = `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
  const base: Record<string, string> = { ...r.headers, etag, 'accept-ranges': 'bytes', 'content-type': f.contentType, 'last-modified': st.mtime.toUTCString() };
  if (req.headers['if-none-match'] === etag) return void (res.writeHead(304, base), res.end());
  let start = 0;
  let end = st.size - 1;
  let status = 200;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && (!req.headers['if-range'] || req.headers['if-range'] === etag)) {
    const [a, b] = [range[1]!, range[2]!];
    if (a === '' && b !== '') start = Math.max(0, st.size - Number(b));
    else {
      start = Number(a || 0);
      if (b !== '') end = Math.min(end, Number(b));
    }
    if (start > end || start >= st.size) {
      res.writeHead(416, { ...base, 'content-range': `bytes */${st.size}` });
      return void res.end();
    }
    status = 206;
    base['content-range'] = `bytes ${start}-${end}/${st.size}`;
  }
  res.writeHead(status, { ...base, 'content-length': String(st.size === 0 ? 0 : end - start + 1) });
  if (req.method === 'HEAD' || st.size === 0) return void res.end();
  const cached = await fileCache.get(f.path, st.size, st.mtimeMs).catch(() => null);
  if (cached) return void res.end(start === 0 && end === st.size - 1 ? cached : cached.subarray(start, end + 1));
  const stream = createReadStream(f.path, { start, end, highWaterMark: 256 << 10 });
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function openSse(req: IncomingMessage, res: ServerResponse, r: HttpResponse, sseEnders: Set<() => void>): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    ...r.headers,
  });
  res.write(': pbxboot\n\n');
  let closed = false;
  const end = () => {
    if (closed) return;
    closed = true;
    clearInterval(beat);
    cleanup();
    res.end();
  };
  const cleanup = r.sse!.open((event, data, id) => {
    if (closed) return;
    const payload = data instanceof PreSerialized ? data.json : JSON.stringify(data);
    res.write(`${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${payload}\n\n`);
  }, end);
  const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.on('close', end);
  sseEnders.add(end);
  req.on('close', () => sseEnders.delete(end));
}

export interface HttpServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startHttpServer(router: Router, host: string, port: number, onError: (e: unknown) => void = () => undefined): Promise<HttpServer> {
  const sseEnders = new Set<() => void>();
  // Boot images up to 128 MiB each, 512 MiB in all (a kernel + initrd pair per profile); gone with the server.
  const fileCache = new FileCache({ maxFileBytes: 128 << 20, maxTotalBytes: 512 << 20 });
  let closing = false;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      let r: HttpResponse;
      try {
        const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
        r = await router.request({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers as Record<string, string | undefined>,
          body,
          remoteAddress: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
        });
      } catch (e) {
        r = errorResponse(e);
      }
      // While shutting down, a reconnecting EventSource must not open a stream that would hold the close.
      if (r.sse && closing) return send(res, { status: 503, headers: { connection: 'close', 'retry-after': '5' }, body: { error: { code: 'E_UNREACHABLE', message: 'shutting down' } } }, false);
      if (r.sse) return openSse(req, res, r, sseEnders);
      if (r.file) return sendFile(req, res, r, fileCache);
      send(res, r, req.method === 'HEAD');
    })().catch((e: unknown) => {
      onError(e);
      if (!res.headersSent) send(res, errorResponse(e), false);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => (server.off('error', reject), resolve()));
  });
  const a = server.address() as AddressInfo;
  const shownHost = a.address.includes(':') ? `[${a.address}]` : a.address;
  return {
    server,
    url: `http://${shownHost}:${a.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const end of sseEnders) end(); // streams never finish by themselves
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a moment to finish; then keep-alive sockets are cut.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}

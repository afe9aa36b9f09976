// A tiny static HTTP boot peer for e2e tests and the boot bench (no pbxboot):
// serves the node iPXE script (templates/ipxe/node.ipxe.hbs), kernel/initrd
// files, a bundle (src/boot/bundle-tar.ts) and records the agent's phone-home.
// Runs as a child process inside a network namespace (`ip netns exec NS node
// --import tsx boot-stub-server.ts '<json config>'`); talks JSON lines: stdout
// reports {type:'listening'|'request'|'event'}, stdin takes {cmd:'setFiles'|'setRawBundle'}.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { createInterface } from 'node:readline';
import Handlebars from 'handlebars';
import { encodeBundle, type BundleFile, type EncodedBundle } from '../../src/boot/bundle-tar.js';

export interface StubConfig {
  host: string;
  port: number;
  filesDir: string; // vmlinuz, initrd.img
  templatesDir: string; // templates/ipxe
  node: string;
  token: string;
  cmdline: string;
  files: BundleFile[];
  interval: number; // agent heartbeat/poll seconds (MANIFEST interval=)
  /** answer /boot.ipxe with templates/ipxe/unknown.ipxe.hbs (an unenrolled machine) */
  unknown?: { action: 'reboot' | 'poweroff' | 'exit' | 'halt'; delaySeconds: number };
}

export type StubMessage =
  | { type: 'listening'; port: number }
  | { type: 'request'; t: number; method: string; path: string; status: number; bytes: number; ms: number }
  | { type: 'event'; t: number; node: string; stage: string; detail: Record<string, unknown> };

function main(cfg: StubConfig): void {
  const out = (m: StubMessage): void => {
    process.stdout.write(JSON.stringify(m) + '\n');
  };
  const base = `http://${cfg.host}:${cfg.port}`;
  const nodeTpl = Handlebars.compile(readFileSync(join(cfg.templatesDir, 'node.ipxe.hbs'), 'utf8'), { strict: true });
  const unknownTpl = Handlebars.compile(readFileSync(join(cfg.templatesDir, 'unknown.ipxe.hbs'), 'utf8'), { strict: true });
  let bundle: EncodedBundle = encodeBundle(cfg.files, { node: cfg.node, interval: String(cfg.interval) });
  const filesRoot = resolve(cfg.filesDir);

  createInterface({ input: process.stdin }).on('line', (line) => {
    const m = JSON.parse(line) as { cmd: string; files?: BundleFile[]; base64?: string; etag?: string };
    if (m.cmd === 'setFiles' && m.files) {
      bundle = encodeBundle(m.files, { node: cfg.node, interval: String(cfg.interval) });
    } else if (m.cmd === 'setRawBundle' && m.base64 !== undefined) {
      // Arbitrary bytes (tampered bundles in tests).
      bundle = { body: Buffer.from(m.base64, 'base64'), etag: m.etag ?? '"raw"', sums: '' };
    }
  });

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): number => {
    const url = new URL(req.url ?? '/', base);
    const p = url.pathname;
    if (req.method === 'GET' && p === '/boot.ipxe' && cfg.unknown) {
      const script = unknownTpl({
        mac: url.searchParams.get('mac') ?? 'unknown',
        reason: 'not enrolled',
        serverName: 'boot-stub',
        ...cfg.unknown,
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(script);
      return script.length;
    }
    if (req.method === 'GET' && p === '/boot.ipxe') {
      const script = nodeTpl({
        node: cfg.node,
        mac: url.searchParams.get('mac') ?? 'unknown',
        serverUrl: base,
        token: cfg.token,
        kernelUrl: `${base}/files/vmlinuz`,
        initrds: [{ name: 'initrd.img', url: `${base}/files/initrd.img` }],
        cmdline: cfg.cmdline,
      });
      res.writeHead(200, { 'content-type': 'text/plain' }).end(script);
      return script.length;
    }
    if (req.method === 'GET' && p.startsWith('/files/')) {
      const file = resolve(filesRoot, decodeURIComponent(p.slice('/files/'.length)));
      if (!file.startsWith(filesRoot + sep)) return void res.writeHead(403).end(), 0;
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        return void res.writeHead(404).end(), 0;
      }
      res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
      createReadStream(file).pipe(res);
      return size;
    }
    const m = /^\/v1\/boot\/([^/]+)\/(bundle|events)$/.exec(p);
    if (m && m[1] === cfg.node) {
      if (url.searchParams.get('token') !== cfg.token) return void res.writeHead(403).end(), 0;
      if (m[2] === 'bundle' && req.method === 'GET') {
        if (req.headers['if-none-match'] === bundle.etag) return void res.writeHead(304, { etag: bundle.etag }).end(), 0;
        res.writeHead(200, { 'content-type': 'application/x-tar', etag: bundle.etag }).end(bundle.body);
        return bundle.body.length;
      }
      if (m[2] === 'events' && req.method === 'POST') {
        const ev = JSON.parse(body.toString('utf8')) as { stage: string; detail?: Record<string, unknown> };
        out({ type: 'event', t: Date.now(), node: m[1], stage: ev.stage, detail: ev.detail ?? {} });
        res.writeHead(204).end();
        return 0;
      }
    }
    res.writeHead(404).end();
    return 0;
  };

  const server = createServer((req, res) => {
    const t0 = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    let bytes = 0;
    // Logged when the response is fully sent: kernel/initrd times are transfer times.
    res.on('finish', () =>
      out({ type: 'request', t: Date.now(), method: req.method ?? '', path: (req.url ?? '').replace(/token=[^&]+/, 'token=…'), status: res.statusCode, bytes, ms: Date.now() - t0 }),
    );
    req.on('end', () => {
      try {
        bytes = handle(req, res, Buffer.concat(chunks));
      } catch (e) {
        res.writeHead(400).end(String(e));
      }
    });
  });
  server.listen(cfg.port, cfg.host, () => {
    const a = server.address();
    out({ type: 'listening', port: typeof a === 'object' && a ? a.port : cfg.port });
  });
  process.stdin.on('end', () => process.exit(0)); // parent gone: stop
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  main(JSON.parse(process.argv[2] ?? '{}') as StubConfig);
}

// The boot storm's static HTTP peer (beside dnsmasq, and beside Kea + atftpd):
// node:http + fs.createReadStream over a directory; every POST is answered 200
// and counted (the `ready` phone-home). Runs in the server namespace:
// `node --import tsx storm-static-http.ts ROOT HOST PORT`; prints {"listening"}
// and, on SIGTERM, {"posts": n, "gets": n, "errors": n}.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

const [root = '.', host = '127.0.0.1', port = '8080'] = process.argv.slice(2);
const base = resolve(root);
const count = { gets: 0, posts: 0, errors: 0 };

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    req.resume();
    req.on('end', () => {
      count.posts++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    return;
  }
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = resolve(base, '.' + path);
  let size: number;
  try {
    if (!file.startsWith(base + sep)) throw new Error('outside root');
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    count.errors++;
    res.writeHead(404).end();
    return;
  }
  count.gets++;
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  createReadStream(file, { highWaterMark: 256 << 10 }).pipe(res);
});
server.keepAliveTimeout = 10_000;
server.listen(Number(port), host, () => process.stdout.write(JSON.stringify({ listening: true }) + '\n'));
process.on('SIGTERM', () => {
  process.stdout.write(JSON.stringify(count) + '\n');
  process.exit(0);
});

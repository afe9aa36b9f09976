// Files over the real node:http adapter: whole, ranges, conditional GETs, and a file replaced on disk while its
// bytes sit in the boot-image cache (src/http/file-cache.ts) — clients must always get what is on disk now.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from '../../src/http/router.js';
import { startHttpServer } from '../../src/http/server.js';
import { FileCache } from '../../src/http/file-cache.js';

t.test('GET, Range, If-None-Match and a replaced file', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'initrd.img');
  const v1 = randomBytes(300_000);
  writeFileSync(path, v1);
  const router = new Router(() => null).on('GET', '/f', 'open', async () => ({ status: 200, file: { path, contentType: 'application/octet-stream' } }));
  const srv = await startHttpServer(router, '127.0.0.1', 0);
  t.teardown(() => srv.close());
  const get = async (headers: Record<string, string> = {}) => {
    const r = await fetch(`${srv.url}/f`, { headers });
    return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
  };
  const all = await Promise.all(Array.from({ length: 8 }, () => get()));
  t.ok(all.every((r) => r.status === 200 && r.body.equals(v1)), '8 concurrent GETs: byte-exact');
  const part = await get({ range: 'bytes=1000-1999' });
  t.equal(part.status, 206);
  t.equal(part.headers.get('content-range'), `bytes 1000-1999/${v1.length}`);
  t.ok(part.body.equals(v1.subarray(1000, 2000)), 'range body');
  const tail = await get({ range: 'bytes=-10' });
  t.ok(tail.body.equals(v1.subarray(v1.length - 10)), 'suffix range');
  t.equal((await get({ range: `bytes=${v1.length}-` })).status, 416);
  t.equal((await get({ 'if-none-match': all[0]!.headers.get('etag')! })).status, 304);

  const v2 = randomBytes(200_000); // a new image under the same name
  writeFileSync(path, v2);
  utimesSync(path, new Date(), new Date(Date.now() + 5000));
  const after = await get();
  t.ok(after.body.equals(v2), 'the replaced file is served, not the cached one');
  t.not(after.headers.get('etag'), all[0]!.headers.get('etag'));
});

t.test('FileCache: one read for concurrent first requests, LRU eviction, too-large files are not cached', async (t) => {
  const dir = t.testdir({});
  const files = ['a', 'b', 'c'].map((n) => {
    const p = join(dir, n);
    writeFileSync(p, Buffer.alloc(1000, n));
    return p;
  });
  const c = new FileCache({ maxFileBytes: 1000, maxTotalBytes: 2000 });
  const [x, y] = await Promise.all([c.get(files[0]!, 1000, 1), c.get(files[0]!, 1000, 1)]);
  t.equal(x, y, 'the same Buffer for concurrent readers');
  await c.get(files[1]!, 1000, 1);
  await c.get(files[2]!, 1000, 1); // evicts a, the least recently used
  writeFileSync(files[0]!, Buffer.alloc(1000, 'z'));
  t.equal((await c.get(files[0]!, 1000, 1))![0], 'z'.charCodeAt(0), 'a was evicted and is read again');
  t.equal(await c.get(files[0]!, 5000, 1), null, 'over maxFileBytes: streamed instead');
});

// Fuzzing: random and mutated packets through the codec and session (in process) and at a live server (on the
// wire); nothing crashes, nothing escapes the root, and the server still serves a file afterwards.
import t from 'tap';
import fc from 'fast-check';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePacket, encodePacket, TftpPacketError, type TftpPacket } from '../../src/tftp/packet.js';
import { TransferSession } from '../../src/tftp/session.js';
import { negotiate } from '../../src/tftp/negotiate.js';
import { confinePath } from '../../src/tftp/paths.js';
import { startTftpServer } from '../../src/tftp/server.js';
import { atftpGet, rawGet, sha, shaFile, requireTools } from '../helpers/tftp-clients.js';

const valid: TftpPacket[] = [
  { op: 'RRQ', filename: 'f.bin', mode: 'octet', options: [['tsize', '0'], ['blksize', '1468'], ['windowsize', '16']] },
  { op: 'RRQ', filename: 'sub/../f.bin', mode: 'netascii', options: [['timeout', '1']] },
  { op: 'WRQ', filename: 'f.bin', mode: 'octet', options: [] },
  { op: 'ACK', block: 1 },
  { op: 'DATA', block: 2, data: Buffer.from('abc') },
  { op: 'ERROR', code: 8, message: 'abort' },
  { op: 'OACK', options: [['blksize', '8']] },
].map((p) => p as TftpPacket);
const seeds = valid.map((p) => encodePacket(p));

/** A seed packet with random bytes flipped, truncated, extended or spliced. */
const mutated = fc
  .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat(80), fc.uint8Array({ maxLength: 16 }), fc.boolean())
  .map(([seed, flips, cut, tail, extend]) => {
    const b = Buffer.from(seed);
    for (const [i, v] of flips) if (b.length > 0) b[i % b.length] = v;
    const cutAt = Math.min(b.length, cut);
    return extend ? Buffer.concat([b, Buffer.from(tail)]) : b.subarray(0, cutAt);
  });
const random = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a));
const anyPacket = fc.oneof(mutated, random);

t.test('in process: 100,000 packets through codec, negotiation, paths and a live session', async (t) => {
  const file = randomBytes(5000);
  let decoded = 0;
  let rejected = 0;
  let session = new TransferSession({ source: { size: file.length, read: (o, l) => file.subarray(o, o + l) }, blksize: 512, windowsize: 4, timeoutMs: 10, retries: 3, oack: null });
  session.start(0);
  fc.assert(
    fc.property(anyPacket, (bytes) => {
      let p: TftpPacket;
      try {
        p = decodePacket(bytes);
      } catch (e) {
        if (!(e instanceof TftpPacketError)) throw e; // only typed errors
        rejected++;
        return;
      }
      decoded++;
      if (encodePacket(p).length < 2) throw new Error('encode produced a runt');
      if (p.op === 'RRQ' || p.op === 'WRQ' || p.op === 'OACK') negotiate(p.options, 1000, { maxBlksize: 1468, maxWindowsize: 64, defaultTimeoutMs: 1000 });
      if (p.op === 'RRQ' || p.op === 'WRQ') {
        const c = confinePath(p.filename);
        if (c.ok && (c.path.split('/').includes('..') || c.path.startsWith('/') || c.path.includes('\\'))) throw new Error(`escape: ${c.path}`);
      }
      const actions = session.onPacket(p, 0);
      if (session.finished || actions.some((a) => a.type === 'done' || a.type === 'fail')) {
        session = new TransferSession({ source: { size: file.length, read: (o, l) => file.subarray(o, o + l) }, blksize: 512, windowsize: 4, timeoutMs: 10, retries: 3, oack: null });
        session.start(0);
      }
    }),
    { numRuns: 100_000 },
  );
  t.comment(`100,000 packets: ${decoded} decoded, ${rejected} typed rejections, 0 crashes`);
  t.equal(decoded + rejected, 100_000);
});

t.test('on the wire: 30,000 random and mutated packets at the server port and a live transfer', async (t) => {
  await requireTools();
  const dir = t.testdir({ root: {}, out: {} });
  const data = randomBytes(300_000);
  writeFileSync(join(dir, 'root', 'f.bin'), data);
  const server = await startTftpServer({ host: '127.0.0.1', port: 0, root: join(dir, 'root'), maxTransfers: 8, sink: { emit() {} }, timeoutMs: 50, retries: 8 });
  t.teardown(() => server.close());
  const port = server.address.port;
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind({ address: '127.0.0.1', port: 0 }, () => r()));
  t.teardown(() => sock.close());
  const packets = fc.sample(anyPacket, { numRuns: 30_000, seed: 4242 });
  // A live windowed transfer whose TID port also receives fuzz: it must still complete byte-exact.
  let tidPort = 0;
  const live = rawGet('127.0.0.1', port, 'f.bin', [['blksize', '512'], ['windowsize', '2']], (tid) => void (tidPort = tid.port));
  let sent = 0;
  for (let i = 0; i < packets.length; i++) {
    const dest = i % 3 === 0 && tidPort ? tidPort : port;
    sock.send(packets[i]!, dest, '127.0.0.1');
    sent++;
    if (i % 200 === 0) await new Promise((r) => setTimeout(r, 1)); // keep the socket buffers from just dropping it all
  }
  t.equal(sent, 30_000);
  t.equal(sha(await live), sha(data), 'transfer under fuzz completed byte-exact');
  // Still serving afterwards, to a real client.
  await new Promise((r) => setTimeout(r, 300));
  const out = join(dir, 'out', 'after');
  const r = await atftpGet('127.0.0.1', port, 'f.bin', out, { blksize: '1468', windowsize: '16' });
  t.equal(r.exitCode, 0, r.exitCode === 0 ? 'atftp ok' : r.stderr);
  t.equal(shaFile(out), sha(data), 'served after 30,000 fuzz packets');
});

t.test('from the client itself: 9,000 fuzz packets into 300 native-pump transfers, then a clean transfer', async (t) => {
  // The pump (native/udp-io) parses what the client sends in C: feed it mutated and random datagrams from
  // the client's own address and port (the right TID), which the foreign-TID check does not screen out.
  await requireTools();
  const dir = t.testdir({ root: {}, out: {} });
  const data = randomBytes(50_000);
  writeFileSync(join(dir, 'root', 'f.bin'), data);
  let ended = 0;
  const server = await startTftpServer({
    host: '127.0.0.1',
    port: 0,
    root: join(dir, 'root'),
    maxTransfers: 8,
    sink: { emit: (e) => void (e.stage === 'tftp.complete' || e.stage === 'tftp.error' ? ended++ : 0) },
    timeoutMs: 50,
    retries: 2,
  });
  t.teardown(() => server.close());
  const packets = fc.sample(anyPacket, { numRuns: 9_000, seed: 7 });
  const one = (k: number) =>
    new Promise<void>((resolve) => {
      const sock = dgram.createSocket('udp4');
      const done = () => {
        sock.close();
        resolve();
      };
      const timer = setTimeout(done, 2000);
      sock.once('message', (_m, tid) => {
        for (let i = 0; i < 30; i++) sock.send(packets[k * 30 + i]!, tid.port, tid.address);
        // End it the polite way if the fuzz did not: a client ERROR is a valid ending.
        sock.send(encodePacket({ op: 'ERROR', code: 0, message: 'done' }), tid.port, tid.address, () => {
          clearTimeout(timer);
          setTimeout(done, 5);
        });
      });
      sock.bind({ address: '127.0.0.1', port: 0 }, () => sock.send(encodePacket({ op: 'RRQ', filename: 'f.bin', mode: 'octet', options: k % 2 ? [['windowsize', '4']] : [] }), server.address.port, '127.0.0.1'));
    });
  for (let k = 0; k < 300; k += 6) await Promise.all([0, 1, 2, 3, 4, 5].map((i) => one(k + i)));
  for (let i = 0; i < 300 && server.stats().running > 0; i++) await new Promise((r) => setTimeout(r, 10));
  t.same(server.stats(), { running: 0, waiting: 0 }, 'every fuzzed transfer ended and freed its slot');
  t.ok(ended >= 300, `${ended} transfers reported an ending`);
  const out = join(dir, 'out', 'after');
  const r = await atftpGet('127.0.0.1', server.address.port, 'f.bin', out, { blksize: '1468' });
  t.equal(r.exitCode, 0, r.exitCode === 0 ? 'atftp ok' : r.stderr);
  t.equal(shaFile(out), sha(data), 'served after the fuzz');
});

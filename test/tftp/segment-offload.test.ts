// DATA runs through Linux UDP GSO (native/udp-io) and one datagram per send give the same bytes to a real client,
// on both engines (native pump, event loop), including windows that end on a short or empty last block and
// windows retransmitted over a lossy link.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BootEventInput } from '../../src/events/event.js';
import { startTftpServer } from '../../src/tftp/server.js';
import { segmentOffloadAvailable } from '../../src/tftp/udp-gso.js';
import { atftpGet, requireTools, shaFile, startLossyProxy } from '../helpers/tftp-clients.js';

const H = '127.0.0.1';
const sizes = [1, 1468, 1468 * 16, 1468 * 16 + 1, 1468 * 64 * 3 + 700, 2_000_000];

t.before(requireTools);

t.test('the native batch sender is built', async (t) => {
  t.ok(segmentOffloadAvailable(), 'native/udp-io/build/Release/udp_io.node loads (built by `npm ci` via scripts/build-native.mjs; needs g++, make, python3)');
});

for (const [nativePump, offload] of [[true, true], [true, false], [false, true], [false, false]] as const) {
  const engine = nativePump ? 'native' : 'dgram';
  t.test(`windowed transfers, ${engine} engine, segmentOffload ${offload}`, async (t) => {
    const dir = t.testdir({ root: {}, out: {} });
    const root = join(dir, 'root');
    for (const n of sizes) writeFileSync(join(root, `f${n}`), randomBytes(n));
    const events: BootEventInput[] = [];
    const s = await startTftpServer({ host: H, port: 0, root, maxTransfers: 8, sink: { emit: (e) => void events.push(e) }, timeoutMs: 100, segmentOffload: offload, nativePump });
    t.teardown(() => s.close());
    for (const n of sizes) {
      for (const ws of ['4', '16', '64']) {
        const out = join(dir, 'out', `f${n}-${ws}`);
        const r = await atftpGet(H, s.address.port, `f${n}`, out, { blksize: '1468', windowsize: ws });
        t.equal(r.exitCode, 0, `f${n} windowsize ${ws}${r.exitCode ? `: ${r.stderr}` : ''}`);
        t.equal(shaFile(out), shaFile(join(root, `f${n}`)), `f${n} windowsize ${ws}: byte-exact`);
      }
    }
    await new Promise((r) => setTimeout(r, 50));
    const done = events.filter((e) => e.stage === 'tftp.complete');
    t.equal(done.length, sizes.length * 3);
    t.ok(done.every((e) => e.detail?.segmentOffload === offload && e.detail?.engine === engine), `every tftp.complete says ${engine}, segmentOffload ${offload}`);
  });
}

for (const nativePump of [true, false]) {
  t.test(`a lossy link: GSO windows are retransmitted until complete (${nativePump ? 'native' : 'dgram'} engine)`, async (t) => {
    const dir = t.testdir({ root: {}, out: {} });
    const root = join(dir, 'root');
    writeFileSync(join(root, 'big'), randomBytes(1_500_000));
    const events: BootEventInput[] = [];
    const s = await startTftpServer({ host: H, port: 0, root, maxTransfers: 4, sink: { emit: (e) => void events.push(e) }, timeoutMs: 50, retries: 10, nativePump });
    t.teardown(() => s.close());
    const proxy = await startLossyProxy({ host: H, port: s.address.port }, 11);
    t.teardown(() => proxy.close());
    const out = join(dir, 'out', 'big');
    const r = await atftpGet(H, proxy.port, 'big', out, { blksize: '1468', windowsize: '16' });
    t.equal(r.exitCode, 0, r.stderr);
    t.equal(shaFile(out), shaFile(join(root, 'big')));
    await new Promise((r) => setTimeout(r, 50));
    const done = events.find((e) => e.stage === 'tftp.complete');
    t.ok(Number(done?.detail?.retransmissions) > 0, 'losses were repaired by retransmission');
    t.equal(done?.detail?.segmentOffload, true);
  });
}

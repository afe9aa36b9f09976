// The TFTP server against real clients on loopback: tftp-hpa, atftp, npm tftp2 and a packet-level client;
// every case runs on both engines: the native data pump (native/udp-io) and the event loop (session.ts over dgram).
import t from 'tap';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BootEventInput } from '../../src/events/event.js';
import { startTftpServer, type TftpServerOptions } from '../../src/tftp/server.js';
import { nativeTransfersAvailable } from '../../src/tftp/native-transfer.js';
import { atftpGet, rawExchange, rawGet, requireTools, sha, shaFile, startLossyProxy, tftp2Get, tftpHpaGet } from '../helpers/tftp-clients.js';

const H = '127.0.0.1';
let nativePump = true; // set per engine below

async function server(t: { teardown(fn: () => unknown): void }, root: string, extra: Partial<TftpServerOptions> = {}) {
  const events: BootEventInput[] = [];
  const s = await startTftpServer({
    host: H,
    port: 0,
    root,
    maxTransfers: 16,
    sink: { emit: (e) => void events.push(e) },
    maxBlksize: 1468,
    timeoutMs: 100,
    retries: 6,
    nativePump,
    ...extra,
  });
  t.teardown(() => s.close());
  return { s, port: s.address.port, events };
}

/** Clients may exit before the server has read their final ACK: wait for the completion events. */
async function settle(events: BootEventInput[], completes: number) {
  for (let i = 0; i < 100 && events.filter((e) => e.stage === 'tftp.complete').length < completes; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sizes = [0, 511, 512, 513, 1468 * 4, 100_000];

t.before(requireTools);

for (const engine of ['native', 'dgram'] as const) {
  t.test(`engine: ${engine}`, async (t) => {
    t.before(() => {
      nativePump = engine === 'native';
    });
    t.ok(engine === 'dgram' || nativeTransfersAvailable(), 'native/udp-io is built (npm ci runs scripts/build-native.mjs; needs g++, make, python3)');
    t.test('every client gets every size byte-exact', async (t) => {
      const dir = t.testdir({ root: {}, out: {} });
      const root = join(dir, 'root');
      for (const n of sizes) writeFileSync(join(root, `f${n}`), randomBytes(n));
      const { port, events } = await server(t, root);
      for (const n of sizes) {
        const want = shaFile(join(root, `f${n}`));
        const hpa = join(dir, 'out', `hpa${n}`);
        t.equal((await tftpHpaGet(H, port, `f${n}`, hpa)).exitCode, 0, `tftp-hpa f${n}`);
        t.equal(shaFile(hpa), want, `tftp-hpa ${n} bytes`);
        for (const [label, opt] of [
          ['atftp lock-step 512', {}],
          ['atftp blksize 1468 windowsize 16', { blksize: '1468', windowsize: '16' }],
          ['atftp blksize 1468 tsize', { blksize: '1468', tsize: '0' }],
        ] as const) {
          const out = join(dir, 'out', `a${n}-${label.length}`);
          const r = await atftpGet(H, port, `f${n}`, out, opt);
          t.equal(r.exitCode, 0, r.exitCode === 0 ? `${label} f${n}` : `${label} f${n}: ${r.stderr}`);
          t.equal(shaFile(out), want, `${label}: ${n} bytes`);
        }
        t.equal(sha(await tftp2Get(H, port, `f${n}`)), want, `tftp2: ${n} bytes`);
      }
      await settle(events, sizes.length * 5);
      const done = events.filter((e) => e.stage === 'tftp.complete');
      t.equal(done.length, sizes.length * 5, 'one tftp.complete per transfer');
      t.match(done.find((e) => e.detail?.windowsize === 16), { mac: null, detail: { ip: H, blksize: 1468, windowsize: 16, retransmissions: 0 } });
      t.ok(events.some((e) => e.stage === 'tftp.oack' && (e.detail?.options as Record<string, string>).tsize === '100000'), 'OACK carries tsize');
      t.ok(events.every((e) => e.mac === null && e.detail?.ip === H));
      t.ok(done.every((e) => e.detail?.engine === engine), `every transfer ran on the ${engine} engine`);
    });

    t.test('netascii via tftp-hpa ascii mode', async (t) => {
      const dir = t.testdir({ root: { 'menu.txt': 'line one\nline two\r\nbare\rcr\n' }, out: {} });
      const { port } = await server(t, join(dir, 'root'));
      const out = join(dir, 'out', 'menu.txt');
      t.equal((await tftpHpaGet(H, port, 'menu.txt', out, 'ascii')).exitCode, 0);
      t.equal(readFileSync(out, 'utf8'), 'line one\nline two\r\nbare\rcr\n');
    });

    t.test('> 32 MB at blksize 512 rolls the block number over', async (t) => {
      const dir = t.testdir({ root: {}, out: {} });
      const size = 33 * 1024 * 1024 + 321; // 67,585 blocks of 512
      const big = randomBytes(size);
      writeFileSync(join(dir, 'root', 'big.img'), big);
      const { port, events } = await server(t, join(dir, 'root'));
      const out = join(dir, 'out', 'big');
      const r = await atftpGet(H, port, 'big.img', out);
      t.equal(r.exitCode, 0, r.exitCode === 0 ? 'atftp ok' : r.stderr);
      t.equal(shaFile(out), sha(big));
      t.match(events.find((e) => e.stage === 'tftp.complete'), { detail: { bytes: size, blksize: 512 } });
    });

    t.test('packet loss: every 13th datagram dropped, transfers still complete', async (t) => {
      const dir = t.testdir({ root: {}, out: {} });
      const data = randomBytes(200_000);
      writeFileSync(join(dir, 'root', 'f'), data);
      const { port, events } = await server(t, join(dir, 'root'), { timeoutMs: 40, retries: 8 });
      const opts: Array<Record<string, string>> = [{}, { blksize: '1468', windowsize: '16' }, { blksize: '1468', windowsize: '4' }];
      for (const opt of opts) {
        const proxy = await startLossyProxy({ host: H, port }, 13);
        const out = join(dir, 'out', `f${Object.keys(opt).length}${opt.windowsize ?? ''}`);
        const r = await atftpGet(H, proxy.port, 'f', out, opt);
        proxy.close();
        t.equal(r.exitCode, 0, r.exitCode === 0 ? `atftp ${JSON.stringify(opt)} through loss` : `atftp ${JSON.stringify(opt)}: ${r.stderr}`);
        t.equal(shaFile(out), sha(data), `byte-exact through loss (${proxy.dropped} dropped)`);
        t.ok(proxy.dropped > 10);
      }
      // A dropped final ACK leaves the server retransmitting the last block to a client that has already
      // left (RFC 1350 §6 puts dallying on the receiver): that transfer ends in a timeout, not a completion.
      const ends = () => events.filter((e) => e.stage === 'tftp.complete' || (e.stage === 'tftp.error' && e.detail?.reason === 'timeout'));
      for (let i = 0; i < 400 && ends().length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      t.equal(ends().length, 3, 'every transfer ended');
      const rexmit = ends().map((e) => e.detail?.retransmissions as number);
      t.ok(rexmit.every((n) => n > 0), `retransmissions counted: ${rexmit.join(',')}`);
    });

    t.test('UEFI sequence: tsize probe, error 8, then the real windowed request', async (t) => {
      const data = randomBytes(250_000);
      const { port, events } = await server(t, t.testdir({}), { virtualFiles: { get: (p) => (p === 'ipxe.efi' ? data : null) } });
      const probe = await rawExchange(
        { host: H, port },
        { op: 'RRQ', filename: 'ipxe.efi', mode: 'octet', options: [['tsize', '0'], ['blksize', '1468']] },
        (p, reply) => {
          if (p.op === 'OACK') reply({ op: 'ERROR', code: 8, message: 'tsize probe' });
          return 'stop';
        },
      );
      t.same(probe.packets, [{ op: 'OACK', options: [['tsize', '250000'], ['blksize', '1468']] }]);
      await new Promise((r) => setTimeout(r, 50));
      const got = await rawGet(H, port, 'ipxe.efi', [['blksize', '1468'], ['windowsize', '4']]);
      t.equal(sha(got), sha(data));
      await new Promise((r) => setTimeout(r, 50));
      t.match(
        events.map((e) => [e.stage, e.level]),
        [['tftp.rrq'], ['tftp.oack'], ['tftp.error', 'info'], ['tftp.rrq'], ['tftp.oack'], ['tftp.complete']],
      );
      t.match(events[2], { detail: { probe: true, clientError: { code: 8 } } });
    });

    t.test('a wrong TID gets error 5 and the transfer carries on', async (t) => {
      const dir = t.testdir({ root: {} });
      const data = randomBytes(200_000);
      writeFileSync(join(dir, 'root', 'f'), data);
      const { port } = await server(t, join(dir, 'root'));
      let intruder: Promise<{ packets: unknown[] }> | null = null;
      const got = await rawGet(H, port, 'f', [['blksize', '1024']], (tid) => {
        intruder = rawExchange({ host: H, port: tid.port }, { op: 'ACK', block: 1 }, () => 'stop', 2000);
      });
      t.equal(sha(got), sha(data), 'transfer undisturbed');
      t.ok(intruder);
      t.match((await intruder!).packets, [{ op: 'ERROR', code: 5 }]);
    });

    t.test('lock-step: every ACK sent twice never doubles the DATA (sorcerer\'s apprentice)', async (t) => {
      const dir = t.testdir({ root: { f: 'y'.repeat(512 * 20 + 100) } });
      const { port, events } = await server(t, join(dir, 'root'), { timeoutMs: 2000 });
      const r = await rawExchange({ host: H, port }, { op: 'RRQ', filename: 'f', mode: 'octet', options: [] }, (p, reply) => {
        if (p.op !== 'DATA') return 'stop';
        reply({ op: 'ACK', block: p.block });
        reply({ op: 'ACK', block: p.block });
        return p.data.length < 512 ? 'stop' : 'continue';
      });
      await new Promise((res) => setTimeout(res, 100)); // any doubled DATA would arrive now
      const blocks = r.packets.map((p) => (p.op === 'DATA' ? p.block : -1));
      t.same(blocks, Array.from({ length: 21 }, (_, i) => i + 1), 'each block exactly once, in order');
      await settle(events, 1);
      t.match(events.find((e) => e.stage === 'tftp.complete'), { detail: { retransmissions: 0, engine } });
    });

    t.test('DATA from the client ends the transfer with error 4; a client ERROR ends it with its code', async (t) => {
      const dir = t.testdir({ root: { f: 'z'.repeat(3000) } });
      const { s, port, events } = await server(t, join(dir, 'root'), { timeoutMs: 2000 });
      const bad = await rawExchange({ host: H, port }, { op: 'RRQ', filename: 'f', mode: 'octet', options: [] }, (p, reply) => {
        if (p.op === 'DATA') reply({ op: 'DATA', block: 1, data: Buffer.from('x') });
        return p.op === 'ERROR' ? 'stop' : 'continue';
      });
      t.match(bad.packets.at(-1), { op: 'ERROR', code: 4 });
      const quit = await rawExchange({ host: H, port }, { op: 'RRQ', filename: 'f', mode: 'octet', options: [] }, (p, reply) => {
        reply({ op: 'ERROR', code: 3, message: 'disk full' });
        return 'stop';
      });
      t.match(quit.packets, [{ op: 'DATA', block: 1 }], 'no more DATA after the client\'s ERROR');
      for (let i = 0; i < 100 && s.stats().running > 0; i++) await new Promise((res) => setTimeout(res, 10));
      const errs = events.filter((e) => e.stage === 'tftp.error').map((e) => e.detail);
      t.match(errs, [{ reason: 'illegal-operation' }, { reason: 'client-error', clientError: { code: 3, message: 'disk full' } }]);
      t.same(s.stats(), { running: 0, waiting: 0 }, 'both slots released');
    });

    t.test('traversal suite: every escape attempt is error 2 and a tftp.denied event', async (t) => {
      const dir = t.testdir({ root: { 'ok.bin': 'fine', sub: { 'x.bin': 'x' } }, secret: { 'key.pem': 'SECRET' } });
      const root = join(dir, 'root');
      symlinkSync(join(dir, 'secret', 'key.pem'), join(root, 'escape.pem'));
      symlinkSync(join(dir, 'secret'), join(root, 'secretdir'));
      symlinkSync(join(root, 'ok.bin'), join(root, 'inside.bin'));
      mkdirSync(join(root, 'empty'));
      const { port, events } = await server(t, root);
      const attempts = [
        '..', '../secret/key.pem', 'sub/../../secret/key.pem', '/etc/passwd', '//etc/shadow', 'C:/x',
        '..\\secret\\key.pem', 'sub\\..\\..\\x', 'a\nb', 'x'.repeat(300), 'escape.pem', 'secretdir/key.pem', 'sub/../..',
        './../secret/key.pem', '.../..', 'sub/./../../secret/key.pem',
      ];
      let escapes = 0;
      for (const name of attempts) {
        const r = await rawExchange({ host: H, port }, { op: 'RRQ', filename: name, mode: 'octet', options: [] }, () => 'stop', 2000);
        if (r.packets.some((p) => (p as { op: string }).op === 'DATA')) escapes++;
        t.match(r.packets, [{ op: 'ERROR', code: 2 }], `denied: ${JSON.stringify(name.slice(0, 30))}`);
      }
      t.equal(escapes, 0, `${attempts.length} attempts, 0 escapes`);
      // NUL inside the name: the bytes after it read as the mode, which is refused.
      const nul = await rawExchange({ host: H, port }, { op: 'RRQ', filename: 'ok.bin\u0000../x', mode: 'octet', options: [] }, () => 'stop', 2000);
      // The wire has no NUL inside a name: it ends the name, the rest is read as the mode and options
      // ("../x", then an odd option list), so the packet is malformed and dropped without a reply.
      t.notOk(nul.packets.some((p) => (p as { op: string }).op === 'DATA'), 'NUL-split name: nothing served');
      const denied = events.filter((e) => e.stage === 'tftp.denied');
      t.equal(denied.length, attempts.length, 'one tftp.denied per attempt');
      t.match(denied.find((e) => e.detail?.path === 'escape.pem'), { level: 'warn', detail: { reason: 'symlink-escape', ip: H } });
      t.match(denied.find((e) => e.detail?.path === '../secret/key.pem'), { detail: { reason: 'dotdot' } });
      const out = join(dir, 'inside.out');
      t.equal((await tftpHpaGet(H, port, 'inside.bin', out)).exitCode, 0, 'a symlink inside the root is served');
      t.equal(readFileSync(out, 'utf8'), 'fine');
      const hpa = await tftpHpaGet(H, port, '../secret/key.pem', join(dir, 'hpa.out'));
      t.match(hpa.stdout + hpa.stderr, /access violation/, 'tftp-hpa sees access violation');
      const missing = await rawExchange({ host: H, port }, { op: 'RRQ', filename: 'nope.bin', mode: 'octet', options: [] }, () => 'stop', 2000);
      t.match(missing.packets, [{ op: 'ERROR', code: 1 }], 'missing file: error 1');
      const dirReq = await rawExchange({ host: H, port }, { op: 'RRQ', filename: 'empty', mode: 'octet', options: [] }, () => 'stop', 2000);
      t.match(dirReq.packets, [{ op: 'ERROR', code: 1 }], 'directory: error 1');
      const wrq = await rawExchange({ host: H, port }, { op: 'WRQ', filename: 'ok.bin', mode: 'octet', options: [] }, () => 'stop', 2000);
      t.match(wrq.packets, [{ op: 'ERROR', code: 2 }], 'write request: error 2');
      const put = await import('execa').then(({ execa }) =>
        execa('atftp', ['-p', '-l', join(root, 'ok.bin'), '-r', 'new.bin', H, String(port)], { reject: false }),
      );
      t.not(put.exitCode, 0, 'atftp put refused');
      t.equal(readFileSync(join(root, 'ok.bin'), 'utf8'), 'fine');
    });

    t.test('boot storm: 12 clients, 3 slots, all complete through the queue', async (t) => {
      const dir = t.testdir({ root: {}, out: {} });
      const data = randomBytes(1024 * 1024);
      writeFileSync(join(dir, 'root', 'ipxe.efi'), data);
      const { s, port, events } = await server(t, join(dir, 'root'), { maxTransfers: 3 });
      let maxRunning = 0;
      let maxWaiting = 0;
      const probe = setInterval(() => {
        maxRunning = Math.max(maxRunning, s.stats().running);
        maxWaiting = Math.max(maxWaiting, s.stats().waiting);
      }, 1);
      const runs = await Promise.all(
        Array.from({ length: 12 }, (_, i) => atftpGet(H, port, 'ipxe.efi', join(dir, 'out', `c${i}`), { blksize: '1468' })),
      );
      clearInterval(probe);
      t.same(runs.map((r) => r.exitCode), Array(12).fill(0));
      await settle(events, 12);
      for (let i = 0; i < 12; i++) t.equal(shaFile(join(dir, 'out', `c${i}`)), sha(data));
      t.ok(maxRunning <= 3, `at most 3 running (saw ${maxRunning})`);
      t.ok(maxWaiting > 0, `requests queued (saw ${maxWaiting})`);
      t.equal(events.filter((e) => e.stage === 'tftp.complete').length, 12);
    });

    t.test('per-client rate limit on new requests', async (t) => {
      const { port, events } = await server(t, t.testdir({}), { perClientRate: { perSecond: 1, burst: 2 } });
      const ask = (bind: string) =>
        rawExchange({ host: H, port, bind }, { op: 'RRQ', filename: 'missing', mode: 'octet', options: [] }, () => 'stop', 300);
      const a = [await ask('127.0.0.1'), await ask('127.0.0.1'), await ask('127.0.0.1')];
      t.same(a.map((r) => r.timedOut), [false, false, true], 'third request within the second is dropped');
      t.equal((await ask('127.0.0.2')).timedOut, false, 'another client is not limited');
      t.equal(events.filter((e) => e.detail?.reason === 'rate-limited').length, 1, 'one event per burst of refusals');
    });

    t.test('abort after N tries when the client goes silent', async (t) => {
      const dir = t.testdir({ root: { f: 'x'.repeat(2000) } });
      const { s, port, events } = await server(t, join(dir, 'root'), { timeoutMs: 20, retries: 3 });
      const r = await rawExchange({ host: H, port }, { op: 'RRQ', filename: 'f', mode: 'octet', options: [] }, () => 'continue', 1500);
      const data = r.packets.filter((p) => (p as { op: string }).op === 'DATA');
      t.equal(data.length, 4, 'block 1 sent once and retransmitted 3 times');
      t.match(r.packets.at(-1), { op: 'ERROR', code: 0 });
      t.match(events.at(-1), { stage: 'tftp.error', level: 'warn', detail: { reason: 'timeout', retransmissions: 3 } });
      t.same(s.stats(), { running: 0, waiting: 0 }, 'slot released');
    });

    t.test('close() ends a running transfer at once, not after its retries', async (t) => {
      const dir = t.testdir({ root: { f: 'x'.repeat(5000) } });
      const { s, port } = await server(t, join(dir, 'root'), { timeoutMs: 5000, retries: 5 });
      const r = await rawExchange({ host: H, port }, { op: 'RRQ', filename: 'f', mode: 'octet', options: [] }, () => 'stop', 1000);
      t.match(r.packets[0], { op: 'DATA', block: 1 }, 'the transfer is running, waiting for ACK 1');
      t.equal(s.stats().running, 1);
      const t0 = performance.now();
      await s.close();
      for (let i = 0; i < 100 && s.stats().running > 0; i++) await new Promise((res) => setTimeout(res, 10));
      t.equal(s.stats().running, 0, 'slot released');
      t.ok(performance.now() - t0 < 1000, 'within a second (the retransmission timer is 5 s)');
    });
  });
}

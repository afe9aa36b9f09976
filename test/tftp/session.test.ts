// The transfer state machine, driven packet by packet with an injected clock: named cases for each RFC behaviour.
import t from 'tap';
import { createHash } from 'node:crypto';
import { TransferSession, type SessionAction, type TransferSource } from '../../src/tftp/session.js';
import type { TftpPacket } from '../../src/tftp/packet.js';

const src = (buf: Buffer): TransferSource => ({ size: buf.length, read: (o, l) => buf.subarray(o, o + l) });
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff));
const sends = (a: SessionAction[]) => a.filter((x): x is Extract<SessionAction, { type: 'send' }> => x.type === 'send').map((x) => x.packet);
const dataBlocks = (a: SessionAction[]) => sends(a).flatMap((p) => (p.op === 'DATA' ? [p.block] : []));
const ack = (block: number): TftpPacket => ({ op: 'ACK', block });
const base = { timeoutMs: 100, retries: 3, oack: null, blksize: 512, windowsize: 1 };

/** An ideal client: acknowledges each full window (or the last block) and reassembles the file. */
function run(s: TransferSession, lose: (n: number) => boolean = () => false) {
  let clock = 0;
  let expect = 1;
  const parts: Buffer[] = [];
  let pending = s.start(clock);
  let n = 0;
  let received = 0;
  for (let guard = 0; guard < 1e7; guard++) {
    const end = pending.find((a) => a.type === 'done' || a.type === 'fail');
    if (end) return { end, data: Buffer.concat(parts) };
    const next: SessionAction[] = [];
    for (const p of sends(pending)) {
      if (lose(n++)) continue;
      if (p.op === 'OACK') next.push(...s.onPacket(ack(0), clock));
      if (p.op === 'DATA' && p.block === (expect & 0xffff)) {
        parts.push(Buffer.from(p.data));
        received++;
        expect++;
        if (p.data.length < s.blksize || received % s.windowsize === 0) next.push(...s.onPacket(ack(p.block), clock));
      }
    }
    if (next.length === 0) {
      clock += 1000;
      next.push(...s.onTimer(clock));
    }
    pending = next;
  }
  throw new Error('no end');
}

const sizes = [0, 1, 511, 512, 513, 1024, 5000];
for (const size of sizes) {
  t.test(`lock-step octet, ${size} bytes`, async (t) => {
    const buf = bytes(size);
    const r = run(new TransferSession({ ...base, source: src(buf) }));
    t.match(r.end, { type: 'done', bytes: size, blksize: 512, windowsize: 1, retransmissions: 0 });
    t.same(r.data, buf);
  });
}

t.test('exact multiple of blksize ends with an empty block (RFC 1350 §6)', async (t) => {
  const s = new TransferSession({ ...base, source: src(bytes(1024)) });
  t.same(dataBlocks(s.start(0)), [1]);
  t.same(dataBlocks(s.onPacket(ack(1), 0)), [2]);
  const a3 = s.onPacket(ack(2), 0);
  t.same(sends(a3), [{ op: 'DATA', block: 3, data: Buffer.alloc(0) }]);
  t.match(s.onPacket(ack(3), 5), [{ type: 'done', bytes: 1024, durationMs: 5 }]);
});

t.test('block numbers roll over past 65535 to 0', async (t) => {
  const buf = bytes(8 * 70000 + 3);
  const s = new TransferSession({ ...base, blksize: 8, source: src(buf) });
  const r = run(s);
  t.match(r.end, { type: 'done', bytes: buf.length });
  t.equal(createHash('sha256').update(r.data).digest('hex'), createHash('sha256').update(buf).digest('hex'));
  const s2 = new TransferSession({ ...base, blksize: 8, source: src(buf) });
  s2.start(0);
  let last: SessionAction[] = [];
  for (let k = 1; k <= 65535; k++) last = s2.onPacket(ack(k), 0);
  t.same(dataBlocks(last), [0], 'after block 65535 comes block 0');
  t.same(dataBlocks(s2.onPacket(ack(0), 0)), [1], 'then 1');
});

t.test('windowsize 4: windows, rollover and loss recovery', async (t) => {
  const buf = bytes(512 * 40 + 100);
  const s = new TransferSession({ ...base, windowsize: 4, source: src(buf) });
  t.same(dataBlocks(s.start(0)), [1, 2, 3, 4]);
  t.same(dataBlocks(s.onPacket(ack(4), 0)), [5, 6, 7, 8]);
  // RFC 7440 §4: block 6 lost, the client acknowledges 5: the next window starts at 6.
  t.same(dataBlocks(s.onPacket(ack(5), 0)), [6, 7, 8, 9]);
  const lossy = run(new TransferSession({ ...base, windowsize: 4, source: src(buf) }), (n) => n % 7 === 3);
  t.match(lossy.end, { type: 'done', windowsize: 4 });
  t.same(lossy.data, buf);
  t.ok((lossy.end as { retransmissions: number }).retransmissions > 0);
});

t.test('duplicate ACKs never cause sorcerer\'s apprentice doubling', async (t) => {
  const s = new TransferSession({ ...base, source: src(bytes(512 * 10)) });
  s.start(0);
  t.same(dataBlocks(s.onPacket(ack(1), 0)), [2]);
  t.same(s.onPacket(ack(1), 0), [], 'lock-step: duplicate ACK 1 sends nothing');
  t.same(s.onPacket(ack(1), 0), []);
  t.same(dataBlocks(s.onPacket(ack(2), 0)), [3]);
  t.same(s.onPacket(ack(0), 0), [], 'stale ACK ignored');
  t.same(s.onPacket(ack(900), 0), [], 'future ACK ignored');
  // Windowed: a duplicate base ACK is a loss signal once, then ignored; echoes of our own retransmissions are ignored.
  const w = new TransferSession({ ...base, windowsize: 4, source: src(bytes(512 * 40)) });
  w.start(0);
  t.same(dataBlocks(w.onPacket(ack(4), 0)), [5, 6, 7, 8]);
  t.same(dataBlocks(w.onPacket(ack(4), 0)), [5, 6, 7, 8], 'first duplicate: resend the window');
  t.same(w.onPacket(ack(4), 0), [], 'second duplicate: nothing');
  t.same(dataBlocks(w.onPacket(ack(8), 0)), [9, 10, 11, 12]);
  t.same(w.onPacket(ack(8), 0), [], 'duplicate of a block we sent twice is an echo: nothing');
});

t.test('timeouts back off, then the transfer aborts after N tries', async (t) => {
  const s = new TransferSession({ ...base, timeoutMs: 100, retries: 3, source: src(bytes(2000)) });
  t.match(s.start(0).at(-1), { type: 'timer', ms: 100 });
  const waits: number[] = [];
  for (let i = 0; i < 3; i++) {
    const a = s.onTimer(0);
    t.same(dataBlocks(a), [1], `retry ${i + 1} resends block 1`);
    waits.push((a.at(-1) as { ms: number }).ms);
  }
  t.same(waits, [200, 400, 800], 'exponential backoff');
  const a = s.onTimer(0);
  t.match(a, [{ type: 'send', packet: { op: 'ERROR', code: 0 } }, { type: 'fail', reason: 'timeout', retransmissions: 3 }]);
  t.ok(s.finished);
  t.same(s.onPacket(ack(1), 0), [], 'nothing after the end');
  // Progress resets the backoff.
  const p = new TransferSession({ ...base, timeoutMs: 100, retries: 3, source: src(bytes(2000)) });
  p.start(0);
  p.onTimer(0);
  t.match(p.onPacket(ack(1), 0).at(-1), { type: 'timer', ms: 100 });
});

t.test('OACK: ACK 0 starts the data; UEFI declines with error 8', async (t) => {
  const oack: Array<[string, string]> = [['tsize', '2000'], ['blksize', '1468']];
  const s = new TransferSession({ ...base, blksize: 1468, oack, source: src(bytes(2000)) });
  t.same(sends(s.start(0)), [{ op: 'OACK', options: oack }]);
  t.same(s.onPacket(ack(1), 0), [], 'only ACK 0 acknowledges an OACK');
  t.same(sends(s.onTimer(0)), [{ op: 'OACK', options: oack }], 'OACK retransmitted on timeout');
  t.same(dataBlocks(s.onPacket(ack(0), 0)), [1]);
  const probe = new TransferSession({ ...base, blksize: 1468, oack, source: src(bytes(2000)) });
  probe.start(0);
  t.match(probe.onPacket({ op: 'ERROR', code: 8, message: 'tsize probe' }, 1), [
    { type: 'fail', reason: 'client-error', afterOack: true, clientError: { code: 8 } },
  ]);
  // ...and the real request that follows is a new session that completes.
  const real = run(new TransferSession({ ...base, blksize: 1468, windowsize: 4, oack: [['blksize', '1468'], ['windowsize', '4']], source: src(bytes(20000)) }));
  t.match(real.end, { type: 'done', bytes: 20000, blksize: 1468, windowsize: 4 });
});

t.test('illegal operations on the transfer end it with error 4', async (t) => {
  const s = new TransferSession({ ...base, source: src(bytes(2000)) });
  s.start(0);
  t.match(s.onPacket({ op: 'DATA', block: 1, data: Buffer.alloc(3) }, 0), [
    { type: 'send', packet: { op: 'ERROR', code: 4 } },
    { type: 'fail', reason: 'illegal-operation' },
  ]);
});

t.test('lossy lock-step still delivers every byte', async (t) => {
  const buf = bytes(512 * 50 + 17);
  const r = run(new TransferSession({ ...base, retries: 5, source: src(buf) }), (n) => n % 5 === 4);
  t.match(r.end, { type: 'done' });
  t.same(r.data, buf);
});

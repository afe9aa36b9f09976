// Differential test: the native pump (native/udp-io/tftp_pump.c) claims to mirror TransferSession (session.ts).
// A scripted client — seeded losses, duplicate and stale ACKs, windowsize 1–8 — drives both engines and must
// see the same DATA blocks in the same order, and the same retransmission count, from each.
import t from 'tap';
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { BootEventInput } from '../../src/events/event.js';
import { decodePacket, encodePacket, type TftpPacket } from '../../src/tftp/packet.js';
import { startTftpServer } from '../../src/tftp/server.js';
import { nativeTransfersAvailable } from '../../src/tftp/native-transfer.js';

const H = '127.0.0.1';
const BLOCKS = 30; // 30 full blocks + a short one
const QUIET_MS = 30; // a round ends when nothing arrives for this long; servers answer in < 1 ms, timers in 100+

function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Plays one scripted transfer; returns the DATA blocks seen (including dropped ones) and the ACKs sent. */
async function play(port: number, seed: number): Promise<{ data: number[]; acks: number[] }> {
  const r = rng(seed);
  const ws = 1 + Math.floor(r() * 8);
  const dropP = r() * 0.25;
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((res) => sock.bind(0, H, () => res()));
  const inbox: { p: TftpPacket; port: number }[] = [];
  let wake: (() => void) | null = null;
  sock.on('message', (m, from) => {
    inbox.push({ p: decodePacket(m), port: from.port });
    wake?.();
  });
  /** Resolves true when a datagram is waiting, false after `ms` of silence. */
  const next = (ms: number) =>
    new Promise<boolean>((res) => {
      if (inbox.length) return res(true);
      const timer = setTimeout(() => ((wake = null), res(false)), ms);
      wake = () => (clearTimeout(timer), (wake = null), res(true));
    });
  /** One round: the first datagram (it may take a retransmission timeout), then all that follow until QUIET_MS of silence. */
  const round = async () => {
    if (!(await next(3000))) throw new Error('the server went silent');
    const got: { p: TftpPacket; port: number }[] = [];
    do got.push(...inbox.splice(0));
    while (await next(QUIET_MS));
    return got;
  };
  const data: number[] = [];
  const acks: number[] = [];
  const have = new Set<number>();
  let tid = 0;
  const ack = (n: number) => {
    acks.push(n);
    sock.send(encodePacket({ op: 'ACK', block: n }), tid, H);
  };
  sock.send(encodePacket({ op: 'RRQ', filename: 'f', mode: 'octet', options: [['windowsize', String(ws)]] }), port, H);
  try {
    for (let rounds = 0; rounds < 400; rounds++) {
      const got = await round();
      for (const { p, port: from } of got) {
        tid = from;
        if (p.op === 'OACK') continue;
        if (p.op !== 'DATA') throw new Error(`unexpected ${p.op}`);
        data.push(p.block);
        if (r() >= dropP) have.add(p.block);
      }
      if (got.some((g) => g.p.op === 'OACK') && !got.some((g) => g.p.op === 'DATA')) {
        ack(0);
        continue;
      }
      let inorder = 0;
      while (have.has(inorder + 1)) inorder++;
      if (inorder === BLOCKS + 1) {
        acks.push(inorder);
        await new Promise((res) => sock.send(encodePacket({ op: 'ACK', block: inorder }), tid, H, res)); // out before close
        return { data, acks };
      }
      const x = r();
      if (x < 0.15) ack(Math.max(0, inorder - 1 - Math.floor(r() * 3))); // stale
      else if (x < 0.3) (ack(inorder), ack(inorder)); // duplicated
      else ack(inorder);
    }
    throw new Error('no progress after 400 rounds');
  } finally {
    sock.close();
  }
}

t.test('native pump and session.ts send the same blocks for the same client script', async (t) => {
  t.ok(nativeTransfersAvailable(), 'native/udp-io is built');
  const dir = t.testdir({ root: {} });
  writeFileSync(join(dir, 'root', 'f'), randomBytes(512 * BLOCKS + 100));
  const servers = await Promise.all(
    [true, false].map(async (nativePump) => {
      const events: BootEventInput[] = [];
      const s = await startTftpServer({ host: H, port: 0, root: join(dir, 'root'), maxTransfers: 4, sink: { emit: (e) => void events.push(e) }, timeoutMs: 100, retries: 8, nativePump });
      t.teardown(() => s.close());
      return { s, events };
    }),
  );
  for (let seed = 1; seed <= 10; seed++) {
    const [native, loop] = [await play(servers[0]!.s.address.port, seed), await play(servers[1]!.s.address.port, seed)];
    t.same(native.data, loop.data, `seed ${seed}: same DATA blocks in the same order (${native.data.length} datagrams)`);
    t.same(native.acks, loop.acks, `seed ${seed}: hence the same script of ACKs`);
  }
  await new Promise((res) => setTimeout(res, 100));
  const summary = (ev: BootEventInput[]) => ev.filter((e) => e.stage === 'tftp.complete').map((e) => [e.detail?.retransmissions, e.detail?.engine]);
  const [n, l] = [summary(servers[0]!.events), summary(servers[1]!.events)];
  t.equal(n.length, 10, 'every scripted transfer completed on the pump');
  t.same(n.map((x) => x[0]), l.map((x) => x[0]), 'same retransmission count per transfer');
  t.ok(n.every((x) => x[1] === 'native') && l.every((x) => x[1] === 'dgram'), 'each ran on its engine');
  t.ok(n.some((x) => Number(x[0]) > 0), 'the scripts did force retransmissions');
});

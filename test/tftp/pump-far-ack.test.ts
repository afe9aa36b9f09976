// The native pump on a long link (native/udp-io/tftp_pump.c, recv_far): it learns the ACK's round trip, sleeps
// until just before the next ACK is due and busy-polls through its arrival, so that it is awake when the ACK comes.
// The link is the bench's delay line (bench/udp-delay-relay.c, 1 ms each way) on loopback; the client is a
// scripted RFC 7440 reader. The brief busy-poll for a near ACK (50 µs) can never catch a 2 ms one, so what
// acksCaughtSpinning counts here is recv_far's work alone.
import t, { type Test } from 'tap';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { delayRelayPath } from '../../bench/peer-bins.js';
import { nativeAddon, type PumpResult } from '../../src/native/addon.js';
import { decodePacket, encodePacket } from '../../src/tftp/packet.js';

const H = '127.0.0.1';
const BLKSIZE = 1468;
const WINDOW = 4;
const BLOCKS = 401; // the last one short: 101 windows, ≈ 0.25 s at 2.3 ms each
const data = randomBytes(BLKSIZE * (BLOCKS - 1) + 100);

async function bound(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((res) => s.bind(0, H, () => res()));
  return s;
}

async function freePort(): Promise<number> {
  const s = await bound();
  const port = s.address().port;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

/** One transfer through the delay line with the given busy-poll; the pump's result and the bytes the client got. */
async function transfer(t: Test, spinUs: number): Promise<{ result: PumpResult; got: Buffer }> {
  const addon = nativeAddon()!;
  const listener = await bound();
  const front = await freePort();
  const relay = execa(await delayRelayPath(), ['1000', `${H}:${front}=${H}:${listener.address().port}`], { reject: false });
  t.teardown(() => void relay.kill());
  await new Promise<void>((res, rej) => {
    relay.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && res());
    void relay.then((r) => rej(new Error(`delay relay exited: ${r.stderr}`)));
  });
  // The "server": the first datagram from the relay starts a transfer to the relay's upstream socket.
  const ended = new Promise<PumpResult>((res) =>
    listener.once('message', (_m, from) => {
      const o = { bind: H, ip: from.address, port: from.port, data, blksize: BLKSIZE, windowsize: WINDOW, timeoutMs: 1000, maxTimeoutMs: 4000, retries: 5, oack: null, gso: true, spinUs };
      addon.startTransfer(o, res);
    }),
  );
  const client = await bound();
  const blocks: Uint8Array[] = [];
  client.on('message', (m, from) => {
    const p = decodePacket(m);
    if (p.op !== 'DATA' || p.block !== blocks.length + 1) return;
    blocks.push(p.data);
    if (p.block % WINDOW === 0 || p.block === BLOCKS) client.send(encodePacket({ op: 'ACK', block: p.block }), from.port, from.address);
  });
  client.send(Buffer.from('start'), front, H);
  const result = await ended;
  client.close();
  listener.close();
  return { result, got: Buffer.concat(blocks) };
}

t.test('on a 1 ms-each-way link the pump is awake when the window ACK comes', async (t) => {
  t.ok(nativeAddon(), 'native/udp-io is built');
  const { result, got } = await transfer(t, 50);
  t.match(result, { kind: 'done', retransmissions: 0 }, 'the transfer completed without a resend');
  t.ok(got.equals(data), 'every byte arrived, in order');
  const acks = Math.ceil(BLOCKS / WINDOW);
  t.ok(result.acksCaughtSpinning >= acks / 4, `${result.acksCaughtSpinning} of ${acks} window ACKs caught awake (at least a quarter)`);
});

t.test('with busy-polling off (tftp.busyPollUs 0) it sleeps for every ACK', async (t) => {
  const { result, got } = await transfer(t, 0);
  t.match(result, { kind: 'done' });
  t.ok(got.equals(data), 'every byte arrived, in order');
  t.equal(result.acksCaughtSpinning, 0, 'no ACK caught spinning');
});

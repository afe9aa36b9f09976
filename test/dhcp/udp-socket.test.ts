// The DHCP server's two socket engines on loopback: a burst arrives whole and in order, every reply leaves,
// replies queued when the socket closes still leave, a refused send is reported (not thrown), and a datagram
// longer than a receive slot keeps its real length (so the decoder rejects it as too large).
import t from 'tap';
import { createSocket, type Socket } from 'node:dgram';
import { openDhcpSocket, type DhcpSocket, type Peer } from '../../src/dhcp/udp-socket.js';

const port = 30000 + Math.floor(Math.random() * 20000);

async function peer(): Promise<{ sock: Socket; port: number; got: Buffer[]; until(n: number, ms?: number): Promise<Buffer[]> }> {
  const sock = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 }); // a 500-datagram burst must fit
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const got: Buffer[] = [];
  sock.on('message', (b) => got.push(b));
  const until = async (n: number, ms = 3000) => {
    const end = Date.now() + ms;
    while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
    return got;
  };
  return { sock, port: sock.address().port, got, until };
}

for (const engine of ['native', 'dgram'] as const) {
  t.test(`engine: ${engine}`, async (t) => {
    const s: DhcpSocket = await openDhcpSocket('127.0.0.1', port, 1 << 20, engine === 'native');
    t.teardown(() => s.close());
    t.equal(s.engine, engine, engine === 'native' ? 'native (npm ci builds native/udp-io)' : 'dgram');
    const received: { buf: Buffer; from: Peer }[] = [];
    const errors: { err: Error; to?: Peer; datagram?: Buffer }[] = [];
    s.onMessage((buf, from) => received.push({ buf, from }));
    s.onError((err, to, datagram) => errors.push({ err, to, datagram }));
    const c = await peer();
    t.teardown(() => c.sock.close());

    await t.test('a burst of 500 arrives whole, in order, each from its sender; 500 replies leave', async (t) => {
      // Sent back to back, so the native engine gets them in batches of up to 64 (each batch one JS call).
      for (let i = 0; i < 500; i++) c.sock.send(Buffer.from(`q${i}:${'x'.repeat(i % 300)}`), port, '127.0.0.1');
      const end = Date.now() + 3000;
      while (received.length < 500 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      t.equal(received.length, 500);
      t.ok(received.every((m, i) => m.buf.toString() === `q${i}:${'x'.repeat(i % 300)}`), 'contents and order intact (each buffer its own copy)');
      t.ok(received.every((m) => m.from.address === '127.0.0.1' && m.from.port === c.port), 'source address and port');
      for (const [i, m] of received.entries()) s.send(Buffer.from(`r${i}`), m.from);
      const back = await c.until(500);
      t.equal(back.length, 500, 'every reply delivered');
      t.same(back.map(String), received.map((_, i) => `r${i}`), 'in the order they were sent');
    });

    await t.test('a refused send is reported with its destination and datagram; the socket keeps working', async (t) => {
      c.got.length = 0;
      s.send(Buffer.from('to port zero'), { address: '127.0.0.1', port: 0 }); // Linux refuses UDP to port 0 (EINVAL)
      s.send(Buffer.from('not an address'), { address: 'nowhere', port: 68 });
      s.send(Buffer.from('after'), { address: '127.0.0.1', port: c.port });
      await c.until(1);
      const end = Date.now() + 1000;
      while (errors.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      t.equal(errors.length, 2, errors.map((e) => e.err.message).join('; '));
      t.same(errors.map((e) => e.to?.port).sort(), [0, 68]);
      t.same(errors.map((e) => String(e.datagram)).sort(), ['not an address', 'to port zero'], 'each refused datagram comes back with its error');
      t.same(c.got.map(String), ['after'], 'the next reply still leaves');
    });

    await t.test('a datagram longer than any DHCP message keeps its real length', async (t) => {
      received.length = 0;
      c.sock.send(Buffer.alloc(12_000, 7), port, '127.0.0.1');
      const end = Date.now() + 2000;
      while (received.length < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      t.equal(received[0]?.buf.length, 12_000);
    });

    await t.test('replies queued when the socket closes still leave; receive buffer as requested', async (t) => {
      t.equal(s.recvBufferSize(), 2 << 20, 'Linux grants twice the request');
      c.got.length = 0;
      for (let i = 0; i < 100; i++) s.send(Buffer.from(`last${i}`), { address: '127.0.0.1', port: c.port });
      await s.close();
      t.equal((await c.until(100)).length, 100);
    });
  });
}

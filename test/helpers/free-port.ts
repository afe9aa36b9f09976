// A TCP port nothing listens on right now, chosen by the kernel (listen on port 0, then close). Random picks from
// 20000-50000 overlap the ephemeral range (32768-60999) that the suite's own outgoing connections use, and a serve
// that drew one in use failed with EADDRINUSE.
import net from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(0, host, resolve);
  });
  const { port } = s.address() as net.AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

// One-off: captures real DHCP packets (udhcpc, dhclient, dhcrelay, dnsmasq, pbxboot) with tcpdump inside
// namespaces and writes test/dhcp/fixtures/<name>.bin. Run: node --import tsx test/dhcp/helpers/capture-corpus.ts --write
import { execa } from 'execa';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, destroyAllNetns, ip, linkVeth, type Netns } from '../../helpers/netns.js';
import { decodeDhcp } from '../../../src/dhcp/codec.js';
import { clientFacts } from '../../../src/dhcp/facts.js';
import { clientScriptDir, dhclient, startServer, udhcpc } from './lab.js';
import { setMac } from './topology.js';
import { readPcapUdp } from './pcap.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
// Only with --write: tap may load this file when given the directory, and must not rewrite the corpus.
if (!process.argv.includes('--write')) {
  console.log('not writing fixtures (pass --write)');
  process.exit(0);
}
const tmp = mkdtempSync(join(tmpdir(), 'pbx-cap-'));
const scripts = clientScriptDir();

async function capture(ns: Netns, ifname: string, name: string, run: () => Promise<unknown>): Promise<void> {
  const file = join(tmp, `${name}.pcap`);
  const td = execa(...(['ip', ['netns', 'exec', ns.name, 'tcpdump', '-i', ifname, '-U', '-n', '-w', file, 'udp port 67 or udp port 68 or udp port 4011']] as const), { reject: false });
  await new Promise((r) => setTimeout(r, 700));
  await run().catch((e: Error) => console.error(`${name}: ${e.message.slice(0, 200)}`));
  await new Promise((r) => setTimeout(r, 300));
  td.kill('SIGINT');
  await td;
  const seen = new Map<string, number>();
  for (const d of readPcapUdp(file)) {
    let label = 'undecodable';
    try {
      const m = decodeDhcp(d.payload);
      label = `${m.op === 1 ? '' : 'reply-'}${clientFacts(m).type?.toLowerCase() ?? 'bootp'}`;
    } catch {}
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    if (n > 1) continue; // one of each kind per scenario
    writeFileSync(join(fixtures, `${name}-${label}.bin`), d.payload);
    console.log(`${name}-${label}.bin ${d.src}:${d.sport} → ${d.dst}:${d.dport} ${d.payload.length} bytes`);
  }
}

try {
  const srv = await createNetns('caps');
  const cli = await createNetns('capc');
  const rel = await createNetns('capr');
  await linkVeth(srv, '10.77.0.1/24', cli, null);
  await linkVeth(srv, '10.78.0.1/24', rel, '10.78.0.2/24', { aIf: 'eth1', bIf: 'eth0' });
  const rcli = await createNetns('caprc');
  await linkVeth(rel, '10.79.0.1/24', rcli, null, { aIf: 'eth1', bIf: 'eth0' });
  await ip('-n', srv.name, 'route', 'add', '10.79.0.0/24', 'via', '10.78.0.2');
  const server = await startServer(srv, {
    mode: 'server',
    address: '10.77.0.1',
    pools: [
      { subnet: '10.77.0.0/24', range: { start: '10.77.0.100', end: '10.77.0.199' }, router: '10.77.0.1', dns: ['10.77.0.1'] },
      { subnet: '10.79.0.0/24', range: { start: '10.79.0.100', end: '10.79.0.199' }, router: '10.79.0.1' },
    ],
    autoEnroll: true,
    quiet: true,
  });
  for (const arch of [0, 7, 16]) {
    await setMac(cli, `52:54:00:aa:00:${arch.toString(16).padStart(2, '0')}`);
    await capture(cli, 'eth0', `udhcpc-arch${arch}`, () => udhcpc(cli, scripts.udhcpc, { arch }));
  }
  await setMac(cli, '52:54:00:aa:01:01');
  await capture(cli, 'eth0', 'udhcpc-plain', () => udhcpc(cli, scripts.udhcpc, { extra: ['-x', 'hostname:pbx-node1', '-O', '42'] }));
  await setMac(cli, '52:54:00:aa:02:07');
  await capture(cli, 'eth0', 'dhclient-arch7', () => dhclient(cli, scripts.dir, scripts.dhclient, { arch: 7 }));
  await setMac(cli, '52:54:00:aa:02:01');
  await capture(cli, 'eth0', 'dhclient-plain', () => dhclient(cli, scripts.dir, scripts.dhclient, {}));
  // A relay with option 82 (-a): the relayed packets as the server sees them.
  const relay = execa('ip', ['netns', 'exec', rel.name, 'dhcrelay', '-d', '-4', '-a', '-iu', 'eth0', '-id', 'eth1', '10.78.0.1'], { reject: false });
  await new Promise((r) => setTimeout(r, 1000));
  await capture(rel, 'eth0', 'dhcrelay-udhcpc-arch0', () => udhcpc(rcli, scripts.udhcpc, { arch: 0 }));
  relay.kill('SIGTERM');
  await relay;
  await server.stop();
  // dnsmasq's replies (a peer's encoder) to udhcpc.
  const dm = execa('ip', ['netns', 'exec', srv.name, 'dnsmasq', '--no-daemon', '--port=0', '--interface=eth0', '--bind-interfaces', '--dhcp-range=10.77.0.50,10.77.0.90,255.255.255.0,1h', `--dhcp-leasefile=${join(tmp, 'dm.leases')}`, '--dhcp-boot=undionly.kpxe', '--no-ping'], { reject: false });
  await new Promise((r) => setTimeout(r, 700));
  await setMac(cli, '52:54:00:aa:03:00');
  await capture(cli, 'eth0', 'dnsmasq-udhcpc-arch0', () => udhcpc(cli, scripts.udhcpc, { arch: 0 }));
  dm.kill('SIGTERM');
  await dm;
} finally {
  await destroyAllNetns();
}

// Proxy mode on a LAN whose addresses come from dnsmasq: dnsmasq gives the IP, pbxboot the boot file.
// The client is QEMU's iPXE NIC ROM, a real proxyDHCP-aware PXE client.
import t from 'tap';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, destroyAllNetns, ip, linkVeth, requireNetns } from '../helpers/netns.js';
import { clientScriptDir, startServer, udhcpc } from './helpers/lab.js';
import { setMac } from './helpers/topology.js';

await requireNetns();
t.teardown(destroyAllNetns);
const tmp = mkdtempSync(join(tmpdir(), 'pbx-proxy-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

// One LAN (bridge in `sw`): pbxboot 10.77.0.1, dnsmasq 10.77.0.2, the client.
const sw = await createNetns('dps');
const srv = await createNetns('dpp');
const dm = await createNetns('dpd');
const cli = await createNetns('dpc');
await ip('-n', sw.name, 'link', 'add', 'br0', 'type', 'bridge');
await ip('-n', sw.name, 'link', 'set', 'br0', 'up');
for (const [ns, addr, port] of [[srv, '10.77.0.1/24', 'p1'], [dm, '10.77.0.2/24', 'p2'], [cli, null, 'p3']] as const) {
  await linkVeth(sw, null, ns, addr, { aIf: port });
  await ip('-n', sw.name, 'link', 'set', port, 'master', 'br0');
}
const dnsmasq = execa('ip', ['netns', 'exec', dm.name, 'dnsmasq', '--no-daemon', '--port=0', '--interface=eth0', '--bind-interfaces', '--dhcp-range=10.77.0.50,10.77.0.90,255.255.255.0,1h', `--dhcp-leasefile=${join(tmp, 'dnsmasq.leases')}`, '--dhcp-authoritative'], { reject: false });
t.teardown(() => void dnsmasq.kill('SIGTERM'));
const mac = '02:00:00:77:00:07';
const server = await startServer(srv, {
  mode: 'proxy',
  address: '10.77.0.1',
  nodes: [{ id: 'p1', name: 'p1', state: 'enrolled', allowNetboot: true }] as never,
  macs: { [mac]: 'p1' },
});
t.teardown(() => server.stop());
const scripts = clientScriptDir();
await new Promise((r) => setTimeout(r, 500));

t.test('iPXE (QEMU NIC ROM): address from dnsmasq, boot script URL from pbxboot via proxyDHCP, and iPXE fetches it', async (t) => {
  // Stands in for pbxboot's HTTP side: the first request line iPXE sends is the proof it took our boot file.
  const http = execa('ip', ['netns', 'exec', srv.name, 'busybox', 'nc', '-l', '-p', '8080'], { reject: false, timeout: 120_000 });
  t.teardown(() => void http.kill('SIGKILL'));
  // QEMU's BIOS NIC ROM is iPXE (FIELD-NOTES "Real PXE clients"); its tap joins the LAN bridge.
  await ip('-n', sw.name, 'tuntap', 'add', 'tap0', 'mode', 'tap');
  await ip('-n', sw.name, 'link', 'set', 'tap0', 'master', 'br0');
  await ip('-n', sw.name, 'link', 'set', 'tap0', 'up');
  const qemu = execa('ip', ['netns', 'exec', sw.name, 'qemu-system-x86_64', '-nographic', '-m', '128', '-no-reboot', '-display', 'none', '-serial', 'null', '-monitor', 'none',
    '-netdev', 'tap,id=n0,ifname=tap0,script=no,downscript=no', '-device', `e1000,netdev=n0,mac=${mac}`, '-boot', 'n'], { reject: false });
  t.teardown(() => void qemu.kill('SIGKILL'));
  const offer = await server.waitFor((l) => l.stage === 'dhcp.offer' && l.mac === mac, 60_000, 'proxy offer to the VM (install qemu-system-x86 and ipxe-qemu)');
  t.match(offer.detail, { proxy: true, ipxe: true, bootfile: `http://10.77.0.1:8080/boot/ipxe/${mac}` });
  t.notOk((offer.detail as Record<string, unknown>).ip, 'proxy offer carries no address');
  // iPXE takes the boot file from a proxy OFFER that has PXE options (next-server + option 67),
  // or asks again on 4011 first; either way its next step is the HTTP request for the script.
  let got = '';
  http.stdout?.on('data', (d: Buffer) => {
    got += d.toString();
    if (got.includes('\r\n\r\n')) http.kill('SIGTERM');
  });
  await http;
  t.match(got, new RegExp(`^GET /boot/ipxe/${mac.replace(/:/g, '(:|%3[aA])')} HTTP/1\\.[01]`), 'iPXE requested its script from pbxboot');
  t.match(readFileSync(join(tmp, 'dnsmasq.leases'), 'utf8'), mac, 'dnsmasq leased the address');
  const acks = server.lines.filter((l) => l.stage === 'dhcp.ack' && l.mac === mac);
  for (const a of acks) t.match(String((a.detail as Record<string, unknown>).to), /^10\.77\.0\.(5\d|[6-8]\d|90):/, 'any 4011 request came from the address dnsmasq gave');
});

t.test('a REQUEST on 67 is left to the address server', async (t) => {
  await setMac(cli, mac);
  await udhcpc(cli, scripts.udhcpc, { arch: 7, timeoutS: 6 }).catch(() => undefined);
  const reqs = server.lines.filter((l) => l.mac === mac && l.stage === 'dhcp.ignore');
  t.ok(reqs.some((l) => /address server/.test(String((l.detail as Record<string, unknown>).reason))), 'ignored, never ACKed into 0.0.0.0');
  t.notOk(server.lines.some((l) => l.stage === 'dhcp.ack' && l.mac === mac && String((l.detail as Record<string, unknown>).to).startsWith('255.')), 'no ACK on 67');
});

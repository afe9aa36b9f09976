// Server-mode replies to iPXE carry no PXEClient vendor class (iPXE would take
// them as ProxyDHCP offers and wait on port 4011) and say no-pxedhcp (iPXE would
// wait for ProxyDHCP offers); proxy replies and firmware PXE clients keep PXEClient.
// The request is a DISCOVER captured from QEMU's iPXE ROM.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { decodeDhcp } from '../../src/dhcp/codec.js';
import { clientFacts } from '../../src/dhcp/facts.js';
import { typedOptions } from '../../src/dhcp/options.js';
import { buildReply } from '../../src/dhcp/reply.js';

const fixture = (name: string) => decodeDhcp(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const ctx = { serverId: '10.0.0.1', pool: null, from: { address: '0.0.0.0', port: 68 }, port: 67 };

t.test('iPXE: no PXEClient with an address, PXEClient in a proxy reply; firmware PXE keeps it', async (t) => {
  const ipxe = fixture('qemu-ipxe-bios-discover.bin');
  const f = clientFacts(ipxe);
  t.ok(f.ipxe && f.pxeClient, 'the captured iPXE DISCOVER says PXEClient and iPXE');
  const script = { kind: 'http' as const, rule: 'ipxe', url: 'http://10.0.0.1:8080/boot/ipxe/52:54:00:12:34:56' };
  const server = buildReply(ipxe, f, { kind: 'offer', yiaddr: '10.0.0.100', boot: script }, ctx);
  t.equal(typedOptions(server).vendorClass, undefined, 'server mode: no option 60, so no ProxyDHCPREQUEST to 4011');
  t.equal(server.file, script.url, 'the script URL is in the reply');
  t.same(typedOptions(server).ipxe?.map((x) => [x.code, [...x.data]]), [[176, [1]]], 'iPXE no-pxedhcp: no wait for ProxyDHCP offers');
  const proxy = buildReply(ipxe, f, { kind: 'offer', yiaddr: null, boot: script }, ctx);
  t.equal(typedOptions(proxy).vendorClass, 'PXEClient', 'proxy mode: still a PXE offer');
  t.equal(typedOptions(proxy).ipxe, undefined, 'and no no-pxedhcp in a proxy reply');

  const pxe = fixture('synth-pxe-uefi-discover.bin');
  const pf = clientFacts(pxe);
  t.ok(pf.pxeClient && !pf.ipxe);
  const fw = buildReply(pxe, pf, { kind: 'offer', yiaddr: '10.0.0.101', boot: { kind: 'tftp', rule: 'uefi', file: 'ipxe.efi' } }, ctx);
  t.equal(typedOptions(fw).vendorClass, 'PXEClient', 'a firmware PXE client gets PXEClient with its address');
});

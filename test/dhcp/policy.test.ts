// Named cases for the DHCP policy and the boot file table (STYLE rule 6).
import t from 'tap';
import { decodeDhcp } from '../../src/dhcp/codec.js';
import { clientFacts, type ClientFacts } from '../../src/dhcp/facts.js';
import { decide, type BootNode, type DhcpMode, type PolicyInput } from '../../src/dhcp/policy.js';
import { chooseBootFile, defaultBootTable } from '../../src/boot/bootfile.js';
import { parsePool } from '../../src/dhcp/pool.js';
import type { AddressView, Ownership } from '../../src/dhcp/lease-table.js';
import { request } from './helpers/loopback.js';
import { encodeDhcp } from '../../src/dhcp/codec.js';

const server = { address: '10.0.0.1', httpPort: 8080 };
const pool = parsePool({ subnet: '10.0.0.0/24', range: { start: '10.0.0.10', end: '10.0.0.20' } });
const enrolled: BootNode = { id: 'n1', name: 'n1', state: 'enrolled', allowNetboot: true };
const pxe = (arch: number, extra: Record<string, unknown> = {}) =>
  clientFacts(decodeDhcp(encodeDhcp(request({ type: 1, mac: '02:00:00:00:00:01', giaddr: '0.0.0.0', arch, vendorClass: `${arch >= 15 ? 'HTTPClient' : 'PXEClient'}:Arch:${String(arch).padStart(5, '0')}`, ...extra }))));
const plain = (type: number, extra: Record<string, unknown> = {}) =>
  clientFacts(decodeDhcp(encodeDhcp(request({ type, mac: '02:00:00:00:00:01', giaddr: '0.0.0.0', ...extra }))));
const view = (current: string | null, proposal: string | null, owners: Record<string, Ownership> = {}): AddressView => ({ pool, current, proposal, owner: (ip) => owners[ip] ?? 'free' });

const cases: [string, Partial<PolicyInput> & { facts: ClientFacts; mode: DhcpMode }, Record<string, unknown>][] = [
  ['BIOS PXE, proxy → undionly.kpxe by TFTP', { mode: 'proxy', facts: pxe(0) }, { kind: 'offer', yiaddr: null, boot: { kind: 'tftp', file: 'undionly.kpxe' } }],
  ['UEFI x64 (7) → ipxe.efi', { mode: 'proxy', facts: pxe(7) }, { boot: { file: 'ipxe.efi' } }],
  ['UEFI (9) → ipxe.efi', { mode: 'proxy', facts: pxe(9) }, { boot: { file: 'ipxe.efi' } }],
  ['ARM64 (11) → snp-arm64.efi', { mode: 'proxy', facts: pxe(11) }, { boot: { file: 'snp-arm64.efi' } }],
  ['HTTP boot (16) → URL', { mode: 'proxy', facts: pxe(16) }, { boot: { kind: 'http', url: 'http://10.0.0.1:8080/boot/files/ipxe/ipxe.efi' } }],
  ['HTTP boot ARM (19) → URL', { mode: 'proxy', facts: pxe(19) }, { boot: { kind: 'http', url: 'http://10.0.0.1:8080/boot/files/ipxe/snp-arm64.efi' } }],
  ['iPXE → its script', { mode: 'proxy', facts: pxe(0, { userClass: 'iPXE' }) }, { boot: { kind: 'http', url: 'http://10.0.0.1:8080/boot/ipxe/02:00:00:00:00:01' } }],
  ['unknown arch 99 → ignore with warning', { mode: 'proxy', facts: pxe(99) }, { kind: 'ignore', level: 'warn', reason: /arch 99/ }],
  ['unknown MAC → ignore (discovered)', { mode: 'proxy', facts: pxe(7), node: null }, { kind: 'ignore', reason: /discovered/ }],
  ['removed node → ignore, warn', { mode: 'server', facts: pxe(7), node: { ...enrolled, state: 'removed' }, address: view(null, '10.0.0.10') }, { kind: 'ignore', level: 'warn', reason: /removed/ }],
  ['drained node boots (cordon)', { mode: 'proxy', facts: pxe(7), node: { ...enrolled, state: 'drained' } }, { kind: 'offer', boot: { file: 'ipxe.efi' } }],
  ['netboot disabled, proxy → ignore', { mode: 'proxy', facts: pxe(7), node: { ...enrolled, allowNetboot: false } }, { kind: 'ignore', reason: /netboot disabled/ }],
  ['netboot disabled, server → address, no boot file', { mode: 'server', facts: pxe(7), node: { ...enrolled, allowNetboot: false }, address: view(null, '10.0.0.10') }, { kind: 'offer', yiaddr: '10.0.0.10', boot: null }],
  ['proxy ignores plain clients', { mode: 'proxy', facts: plain(1) }, { kind: 'ignore', reason: /not a PXE/ }],
  ['off ignores everything', { mode: 'off', facts: pxe(7) }, { kind: 'ignore', reason: /off/ }],
  ['server: OS DHCP of an enrolled node gets its reservation', { mode: 'server', facts: plain(1), address: view('10.0.0.15', '10.0.0.15') }, { kind: 'offer', yiaddr: '10.0.0.15', boot: null }],
  ['server: no pool → ignore, warn', { mode: 'server', facts: plain(1), address: null }, { kind: 'ignore', level: 'warn', reason: /no pool/ }],
  ['server: exhausted', { mode: 'server', facts: plain(1), address: view(null, null) }, { kind: 'ignore', reason: /exhausted/ }],
  ['REQUEST for another server → forget our offer', { mode: 'server', facts: plain(3, { serverId: '10.0.0.2', requested: '10.0.0.10' }), address: view(null, '10.0.0.10') }, { kind: 'ignore', forgetOffer: true }],
  ['REQUEST selecting our offer → ACK', { mode: 'server', facts: plain(3, { serverId: '10.0.0.1', requested: '10.0.0.10' }), address: view('10.0.0.10', '10.0.0.10', { '10.0.0.10': 'self' }) }, { kind: 'ack', yiaddr: '10.0.0.10' }],
  ['INIT-REBOOT wrong subnet → NAK', { mode: 'server', facts: plain(3, { requested: '192.168.1.5' }), address: view(null, '10.0.0.10', { '192.168.1.5': 'outside' }) }, { kind: 'nak' }],
  ['INIT-REBOOT taken → NAK', { mode: 'server', facts: plain(3, { requested: '10.0.0.11' }), address: view(null, '10.0.0.10', { '10.0.0.11': 'other' }) }, { kind: 'nak', reason: /another client/ }],
  ['INIT-REBOOT not the reserved address → NAK', { mode: 'server', facts: plain(3, { requested: '10.0.0.11' }), address: view('10.0.0.15', '10.0.0.15') }, { kind: 'nak', reason: /10\.0\.0\.15/ }],
  ['INIT-REBOOT unknown to us → silent', { mode: 'server', facts: plain(3, { requested: '10.0.0.12' }), address: view(null, '10.0.0.10') }, { kind: 'ignore', reason: /no record/ }],
  ['RENEW (ciaddr) of own lease → ACK', { mode: 'server', facts: plain(3, { ciaddr: '10.0.0.10' }), address: view('10.0.0.10', '10.0.0.10', { '10.0.0.10': 'self' }) }, { kind: 'ack', yiaddr: '10.0.0.10' }],
  ['DECLINE own → record', { mode: 'server', facts: plain(4, { requested: '10.0.0.10' }), address: view('10.0.0.10', '10.0.0.10', { '10.0.0.10': 'self' }) }, { kind: 'record', op: 'decline', ip: '10.0.0.10' }],
  ['RELEASE of someone else → ignore', { mode: 'server', facts: plain(7, { ciaddr: '10.0.0.11' }), address: view(null, '10.0.0.10', { '10.0.0.11': 'other' }) }, { kind: 'ignore' }],
  ['INFORM → ACK without address', { mode: 'server', facts: plain(8, { ciaddr: '10.0.0.50' }), address: view(null, '10.0.0.10') }, { kind: 'ack', yiaddr: null, inform: true }],
  ['proxy: DISCOVER on 4011 → ignore', { mode: 'proxy', facts: pxe(7), via: 'pxe' }, { kind: 'ignore' }],
];

for (const [name, input, want] of cases) {
  t.test(name, async (t) => {
    const d = decide({ serverId: '10.0.0.1', server, node: enrolled, address: null, via: 'dhcp', ...input });
    t.match(d, want);
  });
}

t.test('the boot table is overridable', async (t) => {
  const table = [{ name: 'all-http', when: {}, then: { http: 'http://{server}/x/{mac}' } }, ...defaultBootTable];
  t.match(chooseBootFile(pxe(0), server, table), { kind: 'http', url: 'http://10.0.0.1/x/02:00:00:00:00:01', rule: 'all-http' });
  t.equal(chooseBootFile(pxe(0), server, []), null);
});

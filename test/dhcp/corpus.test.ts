// Codec corpus: captured packets (QEMU iPXE ROM, udhcpc, dhclient, dhcrelay, dnsmasq, pbxboot) and labelled synth-* ones,
// decoded to snapshots (regenerate with `npx tap --snapshot test/dhcp/corpus.test.ts`) and re-encoded byte for byte.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeDhcp, encodeDhcp, type DhcpMessage } from '../../src/dhcp/codec.js';
import { clientFacts } from '../../src/dhcp/facts.js';
import { typedOptions } from '../../src/dhcp/options.js';

const dir = new URL('./fixtures/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();

function view(m: DhcpMessage) {
  const { chaddr, trailer, options, ...hdr } = m;
  const typed = typedOptions(m) as Record<string, unknown>;
  const facts = clientFacts(m) as unknown as Record<string, unknown>;
  const { options: _o, relay, ...rest } = facts as { options: unknown; relay: { agentInfo: Buffer | null } | null };
  return {
    header: { ...hdr, chaddr: chaddr.toString('hex') },
    options: options.map((o) => ({ code: o.code, hex: o.data.toString('hex'), ...(o.area ? { area: o.area } : {}), ...(o.split ? { split: o.split } : {}) })),
    trailer: `${trailer.length} bytes${trailer.some((x) => x !== 0) ? ' (non-zero)' : ''}`,
    typed: JSON.parse(JSON.stringify(typed, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('hex') : v))),
    facts: { ...rest, relay: relay ? { ...relay, agentInfo: relay.agentInfo?.toString('hex') ?? null } : null },
  };
}

t.ok(files.length >= 30, 'corpus present');
for (const f of files) {
  t.test(f, async (t) => {
    const raw = readFileSync(dir + f);
    const m = decodeDhcp(raw);
    t.same(encodeDhcp(m), raw, 'encode(decode(x)) == x');
    t.matchSnapshot(view(m), 'decoded');
  });
}

t.test('what the corpus proves', async (t) => {
  const facts = (f: string) => clientFacts(decodeDhcp(readFileSync(dir + f)));
  const pxe = facts('synth-pxe-uefi-discover.bin');
  t.match(pxe, { arch: 7, firmware: 'uefi', pxeClient: true, ipxe: false, uuid: '8a3b6f2e-1122-4d33-8044-525400123456' });
  const ipxe = facts('synth-ipxe-bios-discover.bin');
  t.match(ipxe, { arch: 0, firmware: 'bios', ipxe: true, uuid: null, uuidRaw: '00010203', clientId: '01525400123457' });
  const ov = decodeDhcp(readFileSync(dir + 'synth-overload-discover.bin'));
  t.match(typedOptions(ov), { hostname: 'overloaded-host', vendorClass: 'PXEClient:Arch:00000', overload: 3 });
  t.equal(ov.file, '');
  const long = decodeDhcp(readFileSync(dir + 'synth-long-option-request.bin'));
  t.equal(long.options.find((o) => o.code === 43)?.data.length, 300, 'RFC 3396 parts concatenated');
  t.same(typedOptions(long).userClass, ['abcd', 'efgh']);
  const relayed = facts('dhcrelay-udhcpc-arch0-discover.bin');
  t.equal(relayed.relay?.giaddr, '10.79.0.1');
  t.ok(relayed.relay?.agentInfo, 'dhcrelay -a adds option 82');
  t.match(facts('udhcpc-arch16-discover.bin'), { arch: 16, firmware: 'uefi-http', httpClient: true });
  t.match(facts('dhclient-arch7-discover.bin'), { arch: 7, pxeClient: true });
  const reply = decodeDhcp(readFileSync(dir + 'dhcrelay-udhcpc-arch0-reply-offer.bin'));
  t.same(reply.options.find((o) => o.code === 82)?.data, relayed.relay?.agentInfo, 'our relayed OFFER echoes option 82');
});

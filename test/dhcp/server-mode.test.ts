// Server mode with real clients (busybox udhcpc, ISC dhclient) in network namespaces: lease + boot file per arch.
import t from 'tap';
import { destroyAllNetns, requireNetns } from '../helpers/netns.js';
import { clientScriptDir, dhclient, startServer, udhcpc } from './helpers/lab.js';
import { serverAndClient, setMac } from './helpers/topology.js';

await requireNetns();
t.teardown(destroyAllNetns);

const { srv, cli } = await serverAndClient('dsm');
const scripts = clientScriptDir();
const arches = [0, 7, 16] as const;
const expected: Record<number, { file: string; siaddr: string }> = {
  0: { file: 'undionly.kpxe', siaddr: '10.77.0.1' },
  7: { file: 'ipxe.efi', siaddr: '10.77.0.1' },
  16: { file: 'http://10.77.0.1:8080/boot/files/ipxe/ipxe.efi', siaddr: '' },
};
const macOf = (client: number, arch: number) => `52:54:00:0${client}:00:${arch.toString(16).padStart(2, '0')}`;
const nodes = [];
const macs: Record<string, string> = {};
for (const c of [1, 2]) for (const a of arches) {
  const id = `n${c}-${a}`;
  nodes.push({ id, name: id, state: 'enrolled', allowNetboot: true });
  macs[macOf(c, a)] = id;
}
macs['52:54:00:09:00:01'] = 'gone';
nodes.push({ id: 'gone', name: 'gone', state: 'removed', allowNetboot: true });

const server = await startServer(srv, {
  mode: 'server',
  address: '10.77.0.1',
  httpPort: 8080,
  pools: [{ subnet: '10.77.0.0/24', range: { start: '10.77.0.100', end: '10.77.0.199' }, router: '10.77.0.1', leaseSeconds: 600 }],
  nodes: nodes as never,
  macs,
});
t.teardown(() => server.stop());

for (const arch of arches) {
  t.test(`udhcpc arch ${arch}`, async (t) => {
    const mac = macOf(1, arch);
    await setMac(cli, mac);
    const got = await udhcpc(cli, scripts.udhcpc, { arch });
    t.match(got.ip, /^10\.77\.0\.1\d\d$/, 'address from the pool');
    t.equal(got.boot_file, expected[arch]!.file, 'boot file for the arch');
    t.equal(got.siaddr, expected[arch]!.siaddr, 'next server');
    t.equal(got.serverid, '10.77.0.1');
    const ack = await server.waitFor((l) => l.stage === 'dhcp.ack' && l.mac === mac);
    t.equal((ack.detail as Record<string, unknown>).arch, arch, 'ack event carries the arch');
    for (const stage of ['dhcp.discover', 'dhcp.offer', 'dhcp.request']) t.ok(server.lines.some((l) => l.stage === stage && l.mac === mac), `${stage} event`);
  });
  t.test(`dhclient arch ${arch}`, async (t) => {
    const mac = macOf(2, arch);
    await setMac(cli, mac);
    const got = await dhclient(cli, scripts.dir, scripts.dhclient, { arch });
    t.match(got.ip, /^10\.77\.0\.1\d\d$/, 'address from the pool');
    t.equal(got.boot_file, expected[arch]!.file, 'boot file for the arch');
  });
}

t.test('unknown and removed MACs get nothing, with a logged reason', async (t) => {
  await setMac(cli, '52:54:00:0a:0b:0c');
  await t.rejects(udhcpc(cli, scripts.udhcpc, { arch: 7, timeoutS: 4 }), /no lease/);
  t.ok(server.lines.some((l) => l.discovered === '52:54:00:0a:0b:0c' && l.arch === 7 && String(l.vendorClass).startsWith('PXEClient')), 'recorded as discovered with arch + vendor class');
  const ign = server.lines.find((l) => l.stage === 'dhcp.ignore' && l.mac === '52:54:00:0a:0b:0c');
  t.match((ign?.detail as Record<string, unknown>)?.reason, /discovered/);
  await setMac(cli, '52:54:00:09:00:01');
  await t.rejects(udhcpc(cli, scripts.udhcpc, { arch: 0, timeoutS: 4 }), /no lease/);
  const rm = server.lines.find((l) => l.stage === 'dhcp.ignore' && l.mac === '52:54:00:09:00:01');
  t.match((rm?.detail as Record<string, unknown>)?.reason, /removed/);
  t.equal(rm?.level, 'warn');
});

t.test('no address was given to two clients', async (t) => {
  const r = await server.report();
  const leases = r.leases as Record<string, string>;
  t.equal(Object.keys(leases).length, 6, 'six machines, six leases');
  t.equal(new Set(Object.values(leases)).size, 6, 'six distinct MACs');
});

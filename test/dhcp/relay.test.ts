// A client behind ISC dhcrelay on a second subnet gets an address from that subnet's pool; leases survive a
// server restart (SQLite state DB) with real udhcpc clients.
import t from 'tap';
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, destroyAllNetns, ip, linkVeth, requireNetns } from '../helpers/netns.js';
import { clientScriptDir, startServer, udhcpc } from './helpers/lab.js';
import { setMac } from './helpers/topology.js';

await requireNetns();
t.teardown(destroyAllNetns);
const tmp = mkdtempSync(join(tmpdir(), 'pbx-relay-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));

// srv (10.78.0.1) ── rel (10.78.0.2 | 10.79.0.1) ── cli (10.79.0.0/24 via the relay)
const srv = await createNetns('drs');
const rel = await createNetns('drr');
const cli = await createNetns('drc');
await linkVeth(srv, '10.78.0.1/24', rel, '10.78.0.2/24');
await linkVeth(rel, '10.79.0.1/24', cli, null, { aIf: 'eth1' });
await ip('-n', srv.name, 'route', 'add', '10.79.0.0/24', 'via', '10.78.0.2');
const relay = execa('ip', ['netns', 'exec', rel.name, 'dhcrelay', '-d', '-4', '-a', '-iu', 'eth0', '-id', 'eth1', '10.78.0.1'], { reject: false });
t.teardown(() => void relay.kill('SIGTERM'));
const scripts = clientScriptDir();
const macs = ['02:00:00:79:00:01', '02:00:00:79:00:02', '02:00:00:79:00:03'];
const cfg = {
  mode: 'server' as const,
  address: '10.78.0.1',
  pools: [
    { subnet: '10.78.0.0/24', range: { start: '10.78.0.100', end: '10.78.0.199' } },
    { subnet: '10.79.0.0/24', range: { start: '10.79.0.50', end: '10.79.0.60' }, router: '10.79.0.1', leaseSeconds: 900 },
  ],
  nodes: macs.map((m, i) => ({ id: `r${i}`, name: `r${i}`, state: 'enrolled' as const, allowNetboot: true })) as never,
  macs: Object.fromEntries(macs.map((m, i) => [m, `r${i}`])),
  sqlite: join(tmp, 'state.sqlite'),
};
let server = await startServer(srv, cfg);
t.teardown(() => server.stop());
await new Promise((r) => setTimeout(r, 500)); // dhcrelay opens its sockets

let first = '';
t.test('relayed client gets an address from its subnet pool and a boot file', async (t) => {
  await setMac(cli, macs[0]!);
  const got = await udhcpc(cli, scripts.udhcpc, { arch: 0 });
  t.match(got.ip, /^10\.79\.0\.(5\d|60)$/, 'from the 10.79.0.0/24 pool (chosen by giaddr)');
  t.equal(got.router, '10.79.0.1');
  t.equal(got.boot_file, 'undionly.kpxe');
  first = got.ip!;
  const offer = await server.waitFor((l) => l.stage === 'dhcp.offer' && l.mac === macs[0]);
  t.match(offer.detail, { relay: '10.79.0.1', agentInfo: true, to: '10.79.0.1:67' }, 'unicast to the relay; option 82 seen');
});

t.test('restart mid-run keeps leases', async (t) => {
  await server.stop();
  server = await startServer(srv, cfg);
  await setMac(cli, macs[1]!);
  const second = await udhcpc(cli, scripts.udhcpc, { arch: 7 });
  t.not(second.ip, first, 'a new client does not get the address leased before the restart');
  await setMac(cli, macs[0]!);
  const again = await udhcpc(cli, scripts.udhcpc, { arch: 0, extra: ['-r', first] });
  t.equal(again.ip, first, 'the first client keeps its address across the restart');
  const r = await server.report();
  t.equal(r.unique, true);
});

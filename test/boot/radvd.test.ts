// netboot.routerAdvertisement: the generated radvd.conf (checked by radvd
// itself), the error when radvd is missing, and `pbxboot serve` in a namespace
// really sending RAs with router lifetime 0 and no prefix on the boot link
// (seen by tcpdump on a client port), none by default, restarted when it dies,
// and gone after stop.
import t from 'tap';
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRadvdConf } from '../../src/boot/radvd-conf.js';
import { startRadvd } from '../../src/boot/radvd.js';
import { nullSink } from '../../src/events/event.js';
import { createBootLan, killNsProcesses } from '../helpers/boot-lan.js';
import { startPbxbootOn } from '../helpers/boot-pbxboot.js';
import { destroyAllNetns, requireNetns } from '../helpers/netns.js';

t.test('radvd.conf: boot interface only, router lifetime 0, no prefix; radvd accepts it', async (t) => {
  const conf = renderRadvdConf({ interface: 'br0' });
  t.equal(conf.match(/^interface /gm)?.length, 1, 'one interface block');
  t.match(conf, /^interface br0 \{$/m);
  t.match(conf, /AdvSendAdvert on;/);
  t.match(conf, /AdvDefaultLifetime 0;/, 'not a default router (RFC 4861 §4.2)');
  t.notMatch(conf, /prefix|route |RDNSS|DNSSL/, 'no prefix, route or DNS options: nothing for a node to configure');
  for (const bad of ['', 'br0 { }; interface eth0', 'a'.repeat(16), 'br0\n', 'eth0/1']) {
    t.throws(() => renderRadvdConf({ interface: bad }), { code: 'E_CONFIG' }, `refuses ${JSON.stringify(bad)}`);
  }
  const dir = t.testdir({});
  writeFileSync(join(dir, 'radvd.conf'), conf);
  const r = await execa('radvd', ['--configtest', '-C', join(dir, 'radvd.conf')], { reject: false });
  t.equal(r.exitCode, 0, `radvd --configtest: ${r.stderr}`);
});

t.test('a missing radvd is a config error naming the Debian package', async (t) => {
  await t.rejects(startRadvd({ interface: 'br0', dir: t.testdir({}), sink: nullSink, command: '/nonexistent/radvd' }), {
    code: 'E_CONFIG',
    message: /apt-get install radvd/,
  });
});

t.test('serve sends RAs (lifetime 0, no prefix) only when netboot.routerAdvertisement is on', { timeout: 120_000 }, async (t) => {
  await requireNetns();
  const lan = await createBootLan('pxra', 96);
  t.teardown(async () => {
    await killNsProcesses(lan.ns.name);
    await lan.destroy();
    await destroyAllNetns();
  });
  // A client port on the boot bridge; tcpdump listens there, as a node's NIC would.
  await execa('ip', ['-n', lan.ns.name, 'link', 'add', 'pxc', 'type', 'veth', 'peer', 'name', 'pxd']);
  await execa('ip', ['-n', lan.ns.name, 'link', 'set', 'pxc', 'master', lan.bridge]);
  for (const i of ['pxc', 'pxd']) await execa('ip', ['-n', lan.ns.name, 'link', 'set', i, 'up']);
  const capture = async (ms: number) => {
    const r = await lan.ns.exec('timeout', [String(ms / 1000), 'tcpdump', '-i', 'pxd', '-n', '-v', '-l', 'icmp6 and ip6[40] == 134'], { reject: false });
    return String(r.stdout);
  };
  const radvdPids = async () => {
    const pids = String((await execa('ip', ['netns', 'pids', lan.ns.name])).stdout).split(/\s+/).filter(Boolean);
    const names = await Promise.all(pids.map((p) => execa('cat', [`/proc/${p}/comm`], { reject: false }).then((r) => String(r.stdout))));
    return pids.filter((_, i) => names[i] === 'radvd');
  };

  const off = await startPbxbootOn(lan, 'quiet');
  const quiet = await capture(6000);
  await off.server.stop();
  t.notMatch(quiet, /router advertisement/, 'default: no router advertisements');

  const on = await startPbxbootOn(lan, 'quiet', { extraYaml: 'netboot: { routerAdvertisement: true }\n' });
  t.teardown(() => on.server.stop());
  const seen = await capture(6000);
  t.match(seen, /router advertisement/, 'RAs on the boot link');
  t.match(seen, /router lifetime 0s/, 'router lifetime 0');
  t.notMatch(seen, /prefix info/, 'no prefix option');
  t.ok((await radvdPids()).length >= 1, 'radvd runs (radvd forks a privilege-separation helper)');
  t.equal((await on.events('--stage ra.started')).length, 1, 'ra.started in the netboot log');
  // Supervision: radvd killed from outside is restarted (and the exit is logged).
  const main = [];
  for (const pid of await radvdPids()) {
    const ppid = /PPid:\s+(\d+)/.exec(String((await execa('cat', [`/proc/${pid}/status`])).stdout))![1]!;
    if (!(await radvdPids()).includes(ppid)) main.push(pid);
  }
  t.equal(main.length, 1, 'one radvd started by serve');
  process.kill(Number(main[0]), 'SIGKILL');
  let restarted = 0;
  for (let i = 0; i < 20 && restarted < 2; i++) (await new Promise((r) => setTimeout(r, 500)), (restarted = (await on.events('--stage ra.started')).length));
  t.equal(restarted, 2, 'restarted after it died');
  t.equal((await on.events('--stage ra.exited')).length, 1, 'ra.exited logged');
  t.match(await capture(5000), /router lifetime 0s/, 'advertising again');
  t.equal(await on.server.stop(), 0, 'serve exits cleanly');
  t.same(await radvdPids(), [], 'radvd stopped with serve');
});

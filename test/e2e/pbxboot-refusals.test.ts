// What pbxboot refuses, shown with a real QEMU machine and the real node agent
// (issue 5 e, f): a drained node reboots into `drained` and gets agents only
// after `nodes undrain`; its sniffed boot token, replayed by a second machine
// with the same MAC after it was spent, gets no bundle and no `ready`; a
// removed node gets no address and never boots. One LAN, one `pbxboot serve`
// (which sends its own router advertisement), one MAC, four short VM runs.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { createBootLan, killNsProcesses } from '../helpers/boot-lan.js';
import { artifactsDir, prepareBoot, testImageDir } from '../helpers/boot-run.js';
import { startPbxbootOn } from '../helpers/boot-pbxboot.js';
import { destroyAllNetns } from '../helpers/netns.js';
import { randomMac, startVm, type Vm } from '../helpers/qemu.js';
import type { BootEvent } from '../../src/events/event.js';

const artifacts = artifactsDir;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

t.before(async () => {
  await prepareBoot('bios');
  const r = await execa('tcpdump', ['--version'], { reject: false });
  if (r.exitCode !== 0) throw new Error('tcpdump missing: run scripts/test-deps.sh (tcpdump)');
});

t.test('drained reboot stays drained, replayed token refused, removed node refused (one LAN, real VMs)', { timeout: 540_000 }, async (t) => {
  const lan = await createBootLan('pxref', 95);
  t.teardown(async () => {
    await killNsProcesses(lan.ns.name);
    await lan.destroy();
    await destroyAllNetns();
  });
  // An eavesdropper on the boot LAN: the iPXE script (and so the kernel command line
  // with its boot token) crosses the wire in clear, as in any PXE network.
  const tokens: string[] = [];
  const sniffer = lan.spawn('tcpdump', ['-i', lan.bridge, '-l', '-A', '-s', '0', 'tcp src port 8080']);
  let sniffed = '';
  sniffer.stdout?.on('data', (d: Buffer) => {
    sniffed = (sniffed + d.toString('latin1')).slice(-8192);
    for (const m of sniffed.matchAll(/pbxboot\.token=([A-Za-z0-9_-]{20,})/g)) if (!tokens.includes(m[1]!)) tokens.push(m[1]!);
  });
  const p = await startPbxbootOn(lan, 'console=ttyS0 quiet', {
    enroll: 'manual',
    // A long ARI grace: the test image has no Asterisk, and the undrained node must stay active while we look.
    extraYaml: 'netboot: { routerAdvertisement: true }\nari: { graceSeconds: 600 }\n',
  });
  t.teardown(() => p.server.stop());
  // Followed, not polled: a CLI process per poll takes CPU the VMs need.
  const log = p.follow();
  t.teardown(() => log.stop());
  const vms: Vm[] = [];
  t.teardown(async () => {
    for (const v of vms) await v.stop();
  });
  const mac = randomMac();
  const boot = async (tag: string, direct?: { append: string }): Promise<Vm> => {
    const vm = await startVm({
      nsName: lan.ns.name,
      bridge: lan.bridge,
      firmware: 'bios',
      mac,
      serialLog: join(artifacts, `refusals-${tag}.serial.log`),
      timeoutMs: 240_000,
      ...(direct ? { direct: { kernel: join(testImageDir, 'vmlinuz'), initrd: join(testImageDir, 'initrd.img'), append: direct.append } } : {}),
    });
    vms.push(vm);
    return vm;
  };
  const since = async (t0: number, stage: string) => (await p.events(`--node pbx03 --stage ${stage}`)).filter((e) => e.time >= t0);
  const agentsOn = async () => (JSON.parse((await p.cli(['agents', 'ls', '--node', 'pbx03', '--json'])).stdout) as unknown[]).length;
  const state = async () => (JSON.parse((await p.cli(['nodes', 'show', 'pbx03', '--json'])).stdout) as { node: { state: string; id: string } }).node;

  const csv = join(p.dir, 'agents.csv');
  writeFileSync(csv, ['id,extension,name,tenant,department', '2001,2001,Ann,default,inbound', '2002,2002,Bob,default,inbound', '2003,2003,Cy,default,inbound'].join('\n') + '\n');
  t.equal((await p.cli(['agents', 'import', csv])).code, 0, 'agents imported');
  t.equal((await p.cli(['nodes', 'add', mac, '--name', 'pbx03'])).code, 0, 'node enrolled');
  const nodeId = (await state()).id;

  // 1. First boot: ready. Then drain it (it never served, so it is drained at once).
  let vm = await boot('first');
  t.equal(await p.waitForState('pbx03', 'ready', 200_000), 'ready', 'first boot reached ready');
  await vm.stop();
  const spent = tokens.at(-1);
  t.ok(spent, 'the boot token was readable on the wire');
  t.equal((await p.cli(['nodes', 'drain', 'pbx03'])).code, 0);
  t.equal(await p.waitForState('pbx03', 'drained', 20_000), 'drained', 'drained');

  // 2. (e) Replay: a machine with the same MAC (so the same lease IP, the token's bound
  // address) boots the image directly with the sniffed, spent token. Its agent is refused.
  const t2 = Date.now();
  vm = await boot('replay', { append: `console=ttyS0 quiet pbxboot.url=http://${lan.serverIp}:8080 pbxboot.node=${nodeId} pbxboot.token=${spent}` });
  await vm.waitForLine(/pbxboot-agent: server refused the boot token/, 200_000);
  await sleep(3000); // its `failed` event
  const refusedEv = await since(t2, 'http.token-refused');
  t.ok(refusedEv.length > 0 && refusedEv.every((e) => e.detail.reason === 'boot token already used'), `refused: ${JSON.stringify(refusedEv.map((e) => e.detail))}`);
  t.same(await since(t2, 'http.bundle'), [], 'no bundle (no secrets) for the replayed token');
  t.same(await since(t2, 'agent.ready'), [], 'no ready');
  t.equal((await state()).state, 'drained', 'the replay did not change the node (not ready, not failed)');
  await vm.stop();

  // 3. (f) The drained node reboots: it boots to its agent's `ready` and comes back drained, no agents.
  const t3 = Date.now();
  vm = await boot('drained');
  await log.wait((e) => e.stage === 'agent.ready' && e.node === nodeId && e.time >= t3, 200_000, 'agent.ready').catch(() => undefined);
  t.equal((await since(t3, 'agent.ready')).length, 1, 'the drained node booted to its agent\'s ready');
  t.equal((await state()).state, 'drained', 'and stays drained (cordon)');
  await sleep(2000);
  t.equal(await agentsOn(), 0, 'a drained node gets no agents');
  t.equal((await p.cli(['nodes', 'undrain', 'pbx03'])).code, 0, 'undrain');
  let n = 0;
  for (let i = 0; i < 20 && n === 0; i++) (await sleep(500), (n = await agentsOn()));
  t.equal(n, 3, 'after undrain the node has the agents');
  t.equal((await state()).state, 'active');
  await vm.stop();

  // 4. (f) Removed: pbxboot's DHCP refuses it (no address, so no script either); the log says why.
  t.equal((await p.cli(['nodes', 'rm', 'pbx03', '--force'])).code, 0, 'removed');
  const t4 = Date.now();
  vm = await boot('removed');
  const ignoredSince = (e: BootEvent) => e.stage === 'dhcp.ignore' && e.time >= t4 && e.mac === mac;
  await log.wait((e) => ignoredSince(e) && log.seen.filter(ignoredSince).length >= 2, 90_000, 'two dhcp.ignore').catch(() => undefined);
  const ignored = await since(t4, 'dhcp.ignore');
  t.ok(ignored.length >= 2, `DHCP refused each try (${ignored.length})`);
  t.match(String(ignored[0]?.detail.reason), /pbx03 is removed: netboot refused/, 'the boot log says why');
  t.same((await since(t4, 'dhcp.offer')).concat(await since(t4, 'http.ipxe-script'), await since(t4, 'agent.ready')), [], 'no offer, no script, no ready');
  t.match((await p.cli(['logs', '--node', 'pbx03'])).stdout, /removed: netboot refused/, '`pbxboot logs --node` shows it');
  t.equal((await state()).state, 'removed');
  await vm.stop();
});

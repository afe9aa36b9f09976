// Baseline end to end, no pbxboot: real BIOS and UEFI QEMU machines netboot the
// test image from dnsmasq (DHCP+TFTP) + a static HTTP server + stub phone-home,
// and the node agent reaches `ready`. Proves the image, the agent, the iPXE
// template and the QEMU/netns harness. Run: npx tap test/e2e/baseline-dnsmasq.test.ts
import t from 'tap';
import { execa } from 'execa';
import { join } from 'node:path';
import { createBootLan, enableIpv6Forwarding, killNsProcesses, startDnsmasq, startRadvd } from '../helpers/boot-lan.js';
import { startBootStub } from '../helpers/boot-stub.js';
import { artifactsDir, bootToReady, ipxeDir, prepareBoot, startDnsmasqPeer, testImageDir } from '../helpers/boot-run.js';
import { destroyAllNetns } from '../helpers/netns.js';
import { randomMac, startVm } from '../helpers/qemu.js';

const artifacts = artifactsDir;

t.before(async () => {
  await prepareBoot('uefi');
  for (const tool of ['dnsmasq', 'radvd']) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (r.exitCode !== 0) throw new Error(`${tool} missing: run scripts/test-deps.sh`);
  }
});

for (const firmware of ['bios', 'uefi'] as const) {
  t.test(`${firmware} VM netboots to ready (dnsmasq + static HTTP)`, { timeout: 240_000 }, async (t) => {
    const lan = await createBootLan(`e2e${firmware}`, firmware === 'bios' ? 81 : 82);
    t.teardown(async () => {
      await killNsProcesses(lan.ns.name);
      await lan.destroy();
      await destroyAllNetns();
    });
    const serialLog = join(artifacts, `baseline-${firmware}.serial.log`);
    const tl = await bootToReady({
      lan,
      firmware,
      startServer: startDnsmasqPeer,
      ra: true,
      serialLog,
      timeoutMs: 200_000,
    });
    t.comment(`${firmware}: ${JSON.stringify(tl)}`);
    t.ok(tl.totalMs > 0 && tl.totalMs < 200_000, `${firmware} reached ready in ${(tl.totalMs / 1000).toFixed(1)} s`);
    t.ok(tl.toScriptMs > 0 && tl.imagesMs >= 0 && tl.kernelMs > 0 && tl.agentMs > 0, 'stages in order');
  });
}

t.test('unknown machine: unknown.ipxe reports on the console and reboots after the delay', { timeout: 180_000 }, async (t) => {
  const lan = await createBootLan('e2eunk', 84);
  t.teardown(async () => {
    await killNsProcesses(lan.ns.name);
    await lan.destroy();
    await destroyAllNetns();
  });
  startDnsmasq(lan, { tftpRoot: ipxeDir, scriptUrl: `http://${lan.serverIp}:8080/boot.ipxe` });
  startRadvd(lan);
  await enableIpv6Forwarding(lan);
  const stub = await startBootStub(lan.ns.name, {
    host: lan.serverIp,
    port: 8080,
    filesDir: testImageDir,
    node: 'none',
    token: 'none',
    cmdline: '',
    files: [],
    interval: 30,
    unknown: { action: 'reboot', delaySeconds: 2 },
  });
  t.teardown(() => stub.stop());
  const vm = await startVm({
    nsName: lan.ns.name,
    bridge: lan.bridge,
    firmware: 'bios',
    mac: randomMac(),
    serialLog: join(artifacts, 'baseline-unknown.serial.log'),
    timeoutMs: 150_000,
    noReboot: true,
  });
  t.teardown(() => vm.stop());
  const msg = await vm.waitForLine(/pbxboot: machine 52:54:00:.* is not set up to boot here/, 120_000);
  t.ok(msg, 'iPXE printed the unknown-machine message');
  const code = await Promise.race([vm.exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 30_000).unref())]);
  t.equal(code, 0, 'the machine rebooted after the delay (QEMU -no-reboot exits)');
  const at = vm.lines.find((l) => /reboot in 2 s/.test(l.line));
  t.ok(at, 'announced the delay');
  t.notOk(stub.requests.some((r) => r.path.startsWith('/files/')), 'no kernel/initrd fetched');
});

// A boot that fails is retried by the node's own iPXE script, with a doubling delay, until it succeeds: a real
// QEMU BIOS machine (QEMU's iPXE ROM) asks pbxboot for a kernel that is not there yet, twice, and boots to
// `ready` once the file appears. The script's retry once stopped at the first `inc` (a string setting cannot be
// incremented), so a node whose download failed once fell out of netboot.
import t from 'tap';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBootLan, killNsProcesses } from '../helpers/boot-lan.js';
import { artifactsDir, ipxeDir, prepareBoot, testImageDir } from '../helpers/boot-run.js';
import { startPbxbootOn } from '../helpers/boot-pbxboot.js';
import { destroyAllNetns } from '../helpers/netns.js';
import { randomMac, startVm } from '../helpers/qemu.js';

const artifacts = artifactsDir;

t.before(() => prepareBoot('bios'));

t.test('a kernel that is not there yet: the node retries after 1 s, then 2 s, and boots to ready once it is', { timeout: 300_000 }, async (t) => {
  // An images dir of this test's own (other tests boot from the repo's at the same time), without the kernel.
  const images = mkdtempSync(join(tmpdir(), 'pbxboot-retry-images-'));
  t.teardown(() => rmSync(images, { recursive: true, force: true }));
  cpSync(ipxeDir, join(images, 'ipxe'), { recursive: true });
  mkdirSync(join(images, 'test/out'), { recursive: true });
  copyFileSync(join(testImageDir, 'initrd.img'), join(images, 'test/out/initrd.img'));

  const lan = await createBootLan('pxretry', 97);
  t.teardown(async () => {
    await killNsProcesses(lan.ns.name);
    await lan.destroy();
    await destroyAllNetns();
  });
  const p = await startPbxbootOn(lan, 'console=ttyS0 quiet', { imagesDir: images, extraYaml: 'netboot: { routerAdvertisement: true }\n' });
  t.teardown(() => p.server.stop());
  const log = p.follow();
  t.teardown(() => log.stop());
  const serialLog = join(artifacts, 'pbxboot-retry.serial.log');
  const vm = await startVm({ nsName: lan.ns.name, bridge: lan.bridge, firmware: 'bios', mac: randomMac(), serialLog, timeoutMs: 240_000 });
  t.teardown(() => vm.stop());

  const kernelAsks = () => log.seen.filter((e) => e.stage === 'http.file' && e.detail.path === 'test/out/vmlinuz').length;
  await log.wait((e) => e.stage === 'http.file' && e.detail.path === 'test/out/vmlinuz' && kernelAsks() >= 2, 180_000, 'a second request for the missing kernel');
  copyFileSync(join(testImageDir, 'vmlinuz'), join(images, 'test/out/vmlinuz'));
  const ready = await log.wait((e) => e.stage === 'agent.ready', 180_000, 'agent.ready');
  t.ok(ready.node, 'the node reached ready');
  t.ok(kernelAsks() >= 3, `the kernel was asked for ${kernelAsks()} times: twice missing, then found`);
  const serial = readFileSync(serialLog, 'utf8').replace(/\r/g, '');
  t.match(serial, /retrying in 1 s[\s\S]*retrying in 2 s/, 'the delay doubled between the two failures');
  t.notMatch(serial, /Could not store/, 'the script stored its delay');
});

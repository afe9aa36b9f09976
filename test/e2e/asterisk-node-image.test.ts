// The real node image (scripts/build-image.sh output) netboots under QEMU from
// dnsmasq + the static HTTP stub: initramfs → squashfs root over HTTP → systemd
// → pbxboot-agent.service → bundle → Asterisk started → ready. Not in CI (needs
// an Asterisk package to build the image). Run:
//   ASTERISK_PKG=… scripts/build-image.sh && npx tap test/e2e/asterisk-node-image.test.ts
// (IMAGE_DIR overrides images/asterisk-node/out.)
import t from 'tap';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBootLan, killNsProcesses } from '../helpers/boot-lan.js';
import { bootToReady, repoRoot, startDnsmasqPeer, ipxeDir } from '../helpers/boot-run.js';
import { destroyAllNetns, requireNetns } from '../helpers/netns.js';
import { requireQemu } from '../helpers/qemu.js';

const imageDir = process.env.IMAGE_DIR ?? join(repoRoot, 'images/asterisk-node/out');

t.test('asterisk node image (BIOS) netboots to ready', { timeout: 600_000 }, async (t) => {
  await requireNetns();
  await requireQemu('bios');
  for (const f of ['vmlinuz', 'initrd.img', 'rootfs.squashfs']) {
    if (!existsSync(join(imageDir, f))) throw new Error(`${join(imageDir, f)} missing: run ASTERISK_PKG=… scripts/build-image.sh first`);
  }
  if (!existsSync(join(ipxeDir, 'ipxe.efi'))) throw new Error('run scripts/fetch-ipxe.sh first');
  const artifacts = join(repoRoot, 'test/artifacts');
  mkdirSync(artifacts, { recursive: true });
  const lan = await createBootLan('e2east', 83);
  t.teardown(async () => {
    await killNsProcesses(lan.ns.name);
    await lan.destroy();
    await destroyAllNetns();
  });
  const tl = await bootToReady({
    lan,
    firmware: 'bios',
    startServer: startDnsmasqPeer,
    ra: true,
    serialLog: join(artifacts, 'asterisk-node-bios.serial.log'),
    timeoutMs: 540_000,
    imageDir,
    memoryMb: 1536,
    cmdline: (base) => `console=ttyS0 pbxboot.rootfs=${base}/files/rootfs.squashfs`,
    initLine: /pbxboot-initrd: init/,
  });
  t.comment(JSON.stringify(tl));
  t.ok(tl.totalMs > 0, `ready in ${(tl.totalMs / 1000).toFixed(1)} s`);
});

// Baseline end to end, no pbxboot: real BIOS and UEFI QEMU machines netboot the
// test image from dnsmasq (DHCP+TFTP) + a static HTTP server + stub phone-home,
// and the node agent reaches `ready`. Proves the image, the agent, the iPXE
// template and the QEMU/netns harness. Run: npx tap test/e2e/baseline-dnsmasq.test.ts
import t from 'tap';
import { execa } from 'execa';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createBootLan, killNsProcesses } from '../helpers/boot-lan.js';
import { bootToReady, repoRoot, startDnsmasqPeer, testImageDir, ipxeDir } from '../helpers/boot-run.js';
import { destroyAllNetns, requireNetns } from '../helpers/netns.js';
import { requireQemu } from '../helpers/qemu.js';

const artifacts = join(repoRoot, 'test/artifacts');

t.before(async () => {
  await requireNetns();
  await requireQemu('uefi');
  for (const tool of ['dnsmasq', 'radvd']) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (r.exitCode !== 0) throw new Error(`${tool} missing: run scripts/test-deps.sh`);
  }
  // Both scripts are idempotent and fast (~1-2 s); they fail with what to install.
  if (!existsSync(join(ipxeDir, 'ipxe.efi'))) await execa(join(repoRoot, 'scripts/fetch-ipxe.sh'), { stdio: 'inherit' });
  await execa(join(repoRoot, 'scripts/build-test-image.sh'), { stdio: 'inherit' });
  if (!existsSync(join(testImageDir, 'initrd.img'))) throw new Error('test image not built');
  mkdirSync(artifacts, { recursive: true });
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

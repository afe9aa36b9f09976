// `npm run lab` (root): the whole boot chain in one command. Makes a boot LAN
// in a network namespace, runs `pbxboot serve` there (DHCP server mode, TFTP,
// HTTP), boots a QEMU machine from the test image, prints the node's boot
// timeline, and cleans everything up. Nothing touches the real interfaces.
// --uefi: an OVMF machine; --no-ra: without pbxboot's router advertisement.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createBootLan, killNsProcesses } from '../test/helpers/boot-lan.js';
import { repoRoot, testImageDir, ipxeDir } from '../test/helpers/boot-run.js';
import { startPbxbootOn } from '../test/helpers/boot-pbxboot.js';
import { destroyAllNetns, requireNetns } from '../test/helpers/netns.js';
import { randomMac, requireQemu, startVm } from '../test/helpers/qemu.js';

const firmware = process.argv.includes('--uefi') ? 'uefi' : 'bios';
const say = (s: string) => process.stdout.write(`lab: ${s}\n`);

async function main(): Promise<number> {
  await requireNetns();
  await requireQemu(firmware);
  if (!existsSync(join(ipxeDir, 'ipxe.efi'))) await execa(join(repoRoot, 'scripts/fetch-ipxe.sh'), { stdio: 'inherit' });
  await execa(join(repoRoot, 'scripts/build-test-image.sh'), { stdio: 'inherit' });
  if (!existsSync(join(testImageDir, 'initrd.img'))) throw new Error('test image not built');
  const lan = await createBootLan('lab', 97);
  try {
    // pbxboot sends router advertisements (lifetime 0, no prefix) itself: iPXE stops waiting for IPv6.
    const ra = !process.argv.includes('--no-ra');
    const p = await startPbxbootOn(lan, 'console=ttyS0 quiet', { enroll: 'manual', extraYaml: `netboot: { routerAdvertisement: ${ra} }\n` });
    try {
      const mac = randomMac();
      await p.cli(['nodes', 'add', mac, '--name', 'lab01']);
      say(`pbxboot serving on ${lan.serverIp} in namespace ${lan.ns.name}; node lab01 = ${mac}`);
      say(`booting a ${firmware.toUpperCase()} QEMU machine (software emulation: a minute or two)…`);
      const vm = await startVm({ nsName: lan.ns.name, bridge: lan.bridge, firmware, mac, serialLog: join(repoRoot, 'test/artifacts', `lab-${firmware}.serial.log`), timeoutMs: 300_000 });
      try {
        const state = await p.waitForState('lab01', 'ready', 300_000);
        say(`node lab01 is ${state}`);
        // iPXE's "Configuring (net0 …) ok": link up → DHCP and IPv6 done (≈ 13 s longer without an RA).
        const i = vm.lines.findIndex((l) => /^Configuring \(net\d/.test(l.line) && /ok$/.test(l.line));
        if (i > 0) say(`iPXE "Configuring" took ${((vm.lines[i]!.ms - vm.lines[i - 1]!.ms) / 1000).toFixed(1)} s (router advertisement ${ra ? 'on' : 'off'})\n`);
        process.stdout.write((await p.cli(['nodes', 'show', 'lab01'])).stdout + '\n');
        process.stdout.write((await p.cli(['logs', '--node', 'lab01'])).stdout + '\n');
        return state === 'ready' ? 0 : 1;
      } finally {
        await vm.stop();
      }
    } finally {
      await p.server.stop();
    }
  } finally {
    await killNsProcesses(lan.ns.name);
    await lan.destroy();
    await destroyAllNetns();
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write(`lab: ${(e as Error).message}\n`);
    process.exitCode = 1;
  },
);

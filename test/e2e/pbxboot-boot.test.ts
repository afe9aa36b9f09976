// Real PXE clients boot through pbxboot alone (issue 5): QEMU BIOS and UEFI
// machines on a bridge in a namespace, `pbxboot serve` in DHCP server mode with
// TFTP and the HTTP boot routes; the node agent reaches `ready`, and the node's
// timeline in `pbxboot logs` shows every step.
import t from 'tap';
import { join } from 'node:path';
import { createBootLan, enableIpv6Forwarding, killNsProcesses, startRadvd } from '../helpers/boot-lan.js';
import { artifactsDir, bootToReady, prepareBoot } from '../helpers/boot-run.js';
import { startPbxbootOn, startPbxbootServer } from '../helpers/boot-pbxboot.js';
import { destroyAllNetns } from '../helpers/netns.js';
import { randomMac, startVm } from '../helpers/qemu.js';

const artifacts = artifactsDir;

t.before(() => prepareBoot('uefi'));

for (const firmware of ['bios', 'uefi'] as const) {
  // UEFI: OVMF's own PXE client on a virtio NIC without option ROM, as on a real server: it fetches
  // ipxe.efi by TFTP and chainloads it (with QEMU's iPXE EFI ROM there would be no TFTP at all).
  t.test(`${firmware} VM netboots to ready through pbxboot (server mode)${firmware === 'uefi' ? ', firmware PXE → TFTP ipxe.efi → iPXE' : ''}`, { timeout: 300_000 }, async (t) => {
    const lan = await createBootLan(`pbx${firmware}`, firmware === 'bios' ? 91 : 92);
    t.teardown(async () => {
      await killNsProcesses(lan.ns.name);
      await lan.destroy();
      await destroyAllNetns();
    });
    const tl = await bootToReady({
      lan,
      firmware,
      startServer: startPbxbootServer,
      ra: true,
      serialLog: join(artifacts, `pbxboot-${firmware}.serial.log`),
      timeoutMs: 240_000,
      firmwarePxe: firmware === 'uefi',
    });
    t.comment(`${firmware}: ${JSON.stringify(tl)}`);
    t.ok(tl.totalMs > 0 && tl.totalMs < 240_000, `${firmware} reached ready in ${(tl.totalMs / 1000).toFixed(1)} s`);
    t.ok(tl.toScriptMs > 0 && tl.kernelMs > 0 && tl.agentMs > 0, 'stages in order');
    if (firmware === 'uefi') t.ok(tl.latencies.some((l) => /^rrq \S+ ipxe\.efi \d+$/.test(l)), 'the firmware fetched ipxe.efi by TFTP (seen on the wire)');
  });
}

t.test('unenrolled MAC is discovered and does not boot; enrolled node reaches ready with its full timeline', { timeout: 300_000 }, async (t) => {
  const lan = await createBootLan('pbxman', 93);
  t.teardown(async () => {
    await killNsProcesses(lan.ns.name);
    await lan.destroy();
    await destroyAllNetns();
  });
  startRadvd(lan);
  await enableIpv6Forwarding(lan);
  const p = await startPbxbootOn(lan, 'console=ttyS0 quiet', { enroll: 'manual', extraYaml: 'tenants:\n  default: {}\n  acme: { pbxDb: "sqlite:acme-pbx.db", setid: 2 }\n' });
  t.teardown(() => p.server.stop());
  const mac = randomMac();
  const vm = await startVm({ nsName: lan.ns.name, bridge: lan.bridge, firmware: 'bios', mac, serialLog: join(artifacts, 'pbxboot-unknown.serial.log'), timeoutMs: 200_000 });
  t.teardown(() => vm.stop());
  // pbxboot does not answer an unenrolled PXE client at all: iPXE finds nothing to boot.
  await vm.waitForLine(/Nothing to boot|No bootable device/, 150_000);
  const nodes = JSON.parse((await p.cli(['nodes', 'ls', '--json'])).stdout) as { name: string; state: string; macs: string[] }[];
  t.same(nodes.map((n) => [n.macs[0], n.state]), [[mac, 'discovered']], 'recorded as discovered');
  t.notOk((await p.events(`--mac ${mac}`)).some((e) => e.stage === 'http.ipxe-script'), 'no boot script, no token');
  await vm.stop();

  // Accept it; the same machine now boots to ready.
  t.equal((await p.cli(['nodes', 'accept', mac, '--name', 'pbx01'])).code, 0);
  const vm2 = await startVm({ nsName: lan.ns.name, bridge: lan.bridge, firmware: 'bios', mac, serialLog: join(artifacts, 'pbxboot-accepted.serial.log'), timeoutMs: 200_000 });
  t.teardown(() => vm2.stop());
  const state = await p.waitForState('pbx01', 'ready', 180_000);
  t.equal(state, 'ready', 'accepted node reached ready');
  const stages = (await p.events('--node pbx01')).map((e) => e.stage);
  const want = ['dhcp.discover', 'dhcp.offer', 'dhcp.request', 'dhcp.ack', 'http.ipxe-script', 'http.file', 'http.bundle', 'agent.ready'];
  for (const s of want) t.ok(stages.includes(s), `timeline has ${s}`);
  const show = await p.cli(['nodes', 'show', 'pbx01']);
  t.match(show.stdout, /last boot:[\s\S]*dhcp\.discover[\s\S]*agent\.ready/);
  t.comment(show.stdout);

  // Multi-tenant: point the running node at another tenant's database; it picks up
  // the re-rendered files by itself within seconds (no reboot, no reinstall).
  const t0 = Date.now();
  t.equal((await p.cli(['nodes', 'reassign', 'pbx01', '--tenant', 'acme'])).code, 0);
  let changed = false;
  while (!changed && Date.now() - t0 < 60_000) {
    await new Promise((r) => setTimeout(r, 500));
    changed = (await p.events('--node pbx01 --stage agent.bundle.changed')).length > 0;
  }
  t.ok(changed, `node installed the acme bundle ${((Date.now() - t0) / 1000).toFixed(1)} s after reassign`);
  const render = JSON.parse((await p.cli(['render', 'pbx01', '--json'])).stdout) as { files: { name: string; content: string }[] };
  t.match(render.files.find((f) => f.name === 'asterisk.conf')?.content ?? '', /pbx01/);
  t.equal((JSON.parse((await p.cli(['nodes', 'show', 'pbx01', '--json'])).stdout) as { node: { tenant: string } }).node.tenant, 'acme');
});

t.test('proxy mode: dnsmasq hands out the address, pbxboot the boot file; a UEFI machine boots to ready', { timeout: 300_000 }, async (t) => {
  const lan = await createBootLan('pbxproxy', 94);
  t.teardown(async () => {
    await killNsProcesses(lan.ns.name);
    await lan.destroy();
    await destroyAllNetns();
  });
  // A plain DHCP server with no PXE options at all: the boot file can only come from pbxboot.
  lan.spawn('dnsmasq', ['--no-daemon', '--port=0', '--conf-file=/dev/null', '--interface=br0', '--bind-interfaces', `--dhcp-range=${lan.prefix}.50,${lan.prefix}.90,12h`, '--no-ping', '--log-dhcp']);
  startRadvd(lan);
  await enableIpv6Forwarding(lan);
  const p = await startPbxbootOn(lan, 'console=ttyS0 quiet', { enroll: 'manual', dhcpMode: 'proxy' });
  t.teardown(() => p.server.stop());
  const mac = randomMac();
  t.equal((await p.cli(['nodes', 'add', mac, '--name', 'pbx02'])).code, 0);
  const vm = await startVm({ nsName: lan.ns.name, bridge: lan.bridge, firmware: 'uefi', mac, serialLog: join(artifacts, 'pbxboot-proxy.serial.log'), timeoutMs: 250_000 });
  t.teardown(() => vm.stop());
  const state = await p.waitForState('pbx02', 'ready', 240_000);
  const evs = await p.events('--node pbx02');
  if (state !== 'ready') t.comment(evs.filter((e) => e.stage.startsWith('dhcp.')).map((e) => `${e.stage} ${JSON.stringify(e.detail)}`).join('\n'));
  t.equal(state, 'ready', 'reached ready with pbxboot in proxy mode');
  const acks = evs.filter((e) => e.stage === 'dhcp.ack' || e.stage === 'dhcp.offer');
  t.ok(acks.length > 0 && acks.every((e) => e.detail.proxy === true && e.detail.ip === undefined), 'pbxboot answered as proxyDHCP and never handed out an address');
  // OVMF runs QEMU's iPXE EFI ROM, which may take the proxy offer itself; a firmware PXE
  // client (not iPXE) in the log must have fetched ipxe.efi over TFTP.
  if (evs.some((e) => e.stage === 'dhcp.offer' && e.detail.ipxe === false)) t.ok(evs.some((e) => e.stage === 'tftp.complete'), 'firmware PXE fetched ipxe.efi over TFTP');
  t.ok(evs.some((e) => e.stage === 'http.ipxe-script'), 'iPXE fetched its script from pbxboot');
  const node = JSON.parse((await p.cli(['nodes', 'show', 'pbx02', '--json'])).stdout) as { node: { ip: string } };
  t.match(node.node.ip, new RegExp(`^${lan.prefix.replace(/\./g, '\\.')}\\.(5\\d|[6-8]\\d|90)$`), 'the address came from dnsmasq');
});

// Boot bench: VM start → agent `ready` for a real QEMU (TCG) machine, split into
// stages (firmware+iPXE to script, image download, kernel, agent), BIOS and UEFI,
// with and without a router advertisement (lifetime 0) on the boot link.
// Servers are swappable StartServer functions: the dnsmasq + static HTTP peer
// and pbxboot (DHCP server mode + TFTP + HTTP boot routes) in the same run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Bench, BenchRow } from './types.js';
import { createBootLan, killNsProcesses } from '../test/helpers/boot-lan.js';
import { bootToReady, repoRoot, startDnsmasqPeer, type BootTimeline, type StartServer } from '../test/helpers/boot-run.js';
import { startPbxbootServer } from '../test/helpers/boot-pbxboot.js';
import { destroyAllNetns, requireNetns } from '../test/helpers/netns.js';
import { requireQemu, type Firmware } from '../test/helpers/qemu.js';

/** name → server; 'pbxboot' is the column the runner shows as ours. */
export const servers: Record<string, StartServer> = {
  'dnsmasq+http': startDnsmasqPeer,
  pbxboot: startPbxbootServer,
};

const stages: [keyof BootTimeline, string][] = [
  ['toScriptMs', 'VM start → iPXE script'],
  ['ipxeConfigureMs', 'iPXE "Configuring" (DHCP + IPv6 wait)'],
  ['imagesMs', 'script → kernel+initrd fetched'],
  ['kernelMs', 'kernel boot → init'],
  ['agentMs', 'init → agent ready'],
  ['totalMs', 'VM start → ready (total)'],
];

const bench: Bench = async (ctx) => {
  await requireNetns();
  await requireQemu('uefi');
  const out = join(repoRoot, 'test/artifacts');
  mkdirSync(out, { recursive: true });
  const firmwares: Firmware[] = ctx.quick ? ['bios'] : ['bios', 'uefi'];
  const raModes = ctx.quick ? [true] : [false, true];
  const results = new Map<string, BootTimeline>(); // `${server}|${fw}|${ra}`
  let subnet = 90;
  for (const [name, start] of Object.entries(servers)) {
    for (const fw of firmwares) {
      for (const ra of raModes) {
        const lan = await createBootLan(`bb${fw}`, subnet++);
        try {
          const tl = await bootToReady({
            lan,
            firmware: fw,
            startServer: start,
            ra,
            serialLog: join(out, `bench-${name.replace(/\W+/g, '_')}-${fw}-${ra ? 'ra' : 'nora'}.serial.log`),
            timeoutMs: 240_000,
          });
          ctx.log(`boot ${name} ${fw} ra=${ra}: ${JSON.stringify(tl)}`);
          results.set(`${name}|${fw}|${ra}`, tl);
        } finally {
          await killNsProcesses(lan.ns.name);
          await lan.destroy();
        }
      }
    }
  }
  await destroyAllNetns();
  const rows: BenchRow[] = [];
  const peerNames = Object.keys(servers).filter((n) => n !== 'pbxboot');
  for (const fw of firmwares) {
    for (const ra of raModes) {
      for (const [key, label] of stages) {
        const fig = (n: string): number | null => {
          const v = results.get(`${n}|${fw}|${ra}`)?.[key];
          return typeof v === 'number' ? v : null;
        };
        rows.push({
          group: 'boot',
          metric: `${fw}${ra ? ' +RA' : ''}: ${label}`,
          unit: 'ms',
          pbxboot: fig('pbxboot'),
          peers: Object.fromEntries(peerNames.map((n) => [n, fig(n)])),
          note: ra ? 'router advertisement, lifetime 0, no prefix, on the boot link' : 'no IPv6 router on the link',
        });
      }
    }
  }
  return rows;
};

export default bench;

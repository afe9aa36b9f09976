// Boot bench: VM start → agent `ready` for a real QEMU (TCG) machine, split into
// stages (firmware+iPXE to script, image download, kernel, agent), BIOS and UEFI,
// with and without a router advertisement (lifetime 0) on the boot link. UEFI
// machines use OVMF's own PXE client (TFTP of ipxe.efi, then iPXE).
// Servers are swappable StartServer functions: the dnsmasq + static HTTP peer
// and pbxboot (DHCP server mode + TFTP + HTTP boot routes) in the same run,
// back to back for each case and sample. Request times come from the wire
// (tcpdump on the boot bridge) for both; "own share" sums each server's
// response latencies (DHCP, TFTP, HTTP first byte). With RA, pbxboot sends it
// itself (netboot.routerAdvertisement); the peer gets a separate radvd.
import { join } from 'node:path';
import type { Bench, BenchRow } from './types.js';
import { createBootLan, killNsProcesses } from '../test/helpers/boot-lan.js';
import { artifactsDir, bootToReady, prepareBoot, startDnsmasqPeer, type BootTimeline, type StartServer } from '../test/helpers/boot-run.js';
import { startPbxbootServer } from '../test/helpers/boot-pbxboot.js';
import { destroyAllNetns } from '../test/helpers/netns.js';
import type { Firmware } from '../test/helpers/qemu.js';

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
  ['shareMs', "server's own share (response latencies summed)"],
  ['shareDhcpMs', '  own share: DHCP (DISCOVER→OFFER, REQUEST→ACK)'],
  ['shareTftpMs', '  own share: TFTP (RRQ → first reply)'],
  ['shareHttpMs', '  own share: HTTP (request → first byte)'],
  ['requests', 'requests answered (HTTP, DHCP, TFTP)'],
];

/** Samples per case (BOOT_BENCH_SAMPLES, default 2; --quick: 1); figures are means. */
const samplesWanted = (quick: boolean) => (quick ? 1 : Math.max(1, Number(process.env.BOOT_BENCH_SAMPLES ?? 2)));

const bench: Bench = async (ctx) => {
  // BOOT_BENCH_FIRMWARE=bios|uefi runs one firmware only.
  const only = process.env.BOOT_BENCH_FIRMWARE as Firmware | undefined;
  const firmwares: Firmware[] = only ? [only] : ctx.quick ? ['bios'] : ['bios', 'uefi'];
  // What the boot tests prepare: iPXE's binaries and the test image (a fresh clone has neither; without the image
  // every machine boots into nothing and the bench waits out its timeouts).
  for (const fw of firmwares) await prepareBoot(fw);
  const out = artifactsDir;
  const raModes = ctx.quick ? [true] : [false, true];
  const results = new Map<string, BootTimeline[]>(); // `${server}|${fw}|${ra}`
  let subnet = 90;
  const samples = samplesWanted(ctx.quick);
  for (let sample = 0; sample < samples; sample++) {
    for (const fw of firmwares) {
      for (const ra of raModes) {
        for (const [name, start] of Object.entries(servers)) {
          const lan = await createBootLan(`bb${fw}`, 90 + (subnet++ % 8));
          try {
            const tl = await bootToReady({
              lan,
              firmware: fw,
              startServer: start,
              ra,
              serialLog: join(out, `bench-${name.replace(/\W+/g, '_')}-${fw}-${ra ? 'ra' : 'nora'}.serial.log`),
              timeoutMs: 240_000,
              // UEFI as on a real server: the firmware's own PXE, TFTP of ipxe.efi, then iPXE.
              firmwarePxe: fw === 'uefi',
            });
            ctx.log(`boot #${sample + 1} ${name} ${fw} ra=${ra}: ${JSON.stringify(tl)}`);
            const key = `${name}|${fw}|${ra}`;
            results.set(key, [...(results.get(key) ?? []), tl]);
          } finally {
            await killNsProcesses(lan.ns.name);
            await lan.destroy();
          }
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
          const vs = (results.get(`${n}|${fw}|${ra}`) ?? []).map((r) => r[key]).filter((v): v is number => typeof v === 'number');
          return vs.length ? Math.round(vs.reduce((a, b) => a + b, 0) / vs.length) : null;
        };
        rows.push({
          group: 'boot',
          metric: `${fw}${ra ? ' +RA' : ''}: ${label}`,
          unit: key === 'requests' ? 'count' : 'ms',
          pbxboot: fig('pbxboot'),
          peers: Object.fromEntries(peerNames.map((n) => [n, fig(n)])),
          note: `${ra ? 'RA lifetime 0, no prefix on the boot link' : 'no IPv6 router on the link'}; mean of ${samples}`,
        });
      }
    }
  }
  return rows;
};

export default bench;

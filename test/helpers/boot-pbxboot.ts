// pbxboot as the boot server of a BootLan (same StartServer shape as the
// dnsmasq peer): `pbxboot serve` inside the namespace, DHCP server mode on the
// bridge, TFTP from images/ipxe, HTTP boot routes, the test image as the
// default profile. Stages and request times come from pbxboot's own netboot log.
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootLan } from './boot-lan.js';
import type { BootServer, StartServer } from './boot-run.js';
import { repoRoot } from './boot-run.js';
import { pbx, startServe } from './cli.js';
import type { BootEvent } from '../../src/events/event.js';

export interface PbxbootLabOptions {
  enroll?: 'auto' | 'manual';
  /** server (default): pbxboot hands out addresses; proxy: another DHCP server does */
  dhcpMode?: 'server' | 'proxy';
  /** extra YAML appended to the generated pbxboot.yaml */
  extraYaml?: string;
}

export async function startPbxbootOn(lan: BootLan, cmdline: string, o: PbxbootLabOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pbxboot-lab-'));
  writeFileSync(
    join(dir, 'pbxboot.yaml'),
    [
      `dataDir: ${join(dir, 'data')}`,
      'interface: br0',
      `enroll: ${o.enroll ?? 'auto'}`,
      `images: { dir: ${join(repoRoot, 'images')} }`,
      `http: { host: 0.0.0.0, port: 8080 }`,
      'dhcp:',
      `  mode: ${o.dhcpMode ?? 'server'}`,
      `  pools: [{ subnet: ${lan.prefix}.0/24, start: ${lan.prefix}.100, end: ${lan.prefix}.200, router: ${lan.serverIp} }]`,
      'profiles:',
      '  default:',
      '    kernel: test/out/vmlinuz',
      '    initrd: [test/out/initrd.img]',
      `    cmdline: "${cmdline}"`,
      o.extraYaml ?? '',
    ].join('\n'),
  );
  const server = await startServe(['-c', join(dir, 'pbxboot.yaml')], { cwd: dir, prefix: lan.ns.prefix });
  const cli = (args: string[]) => pbx(['-c', join(dir, 'pbxboot.yaml'), ...args], { cwd: dir, prefix: lan.ns.prefix });
  const events = async (query = ''): Promise<BootEvent[]> => {
    const r = await cli(['logs', '--json', '-n', '100000', ...(query ? query.split(' ') : [])]);
    return r.stdout.trim() ? r.stdout.trim().split('\n').map((l) => JSON.parse(l) as BootEvent) : [];
  };
  /** Polls `nodes show` until the node is in `state` or `ms` pass; returns the last state seen. */
  const waitForState = async (node: string, state: string, ms: number): Promise<string> => {
    const until = Date.now() + ms;
    let now = '';
    while (Date.now() < until && now !== state) {
      await new Promise((r) => setTimeout(r, 1000));
      now = (JSON.parse((await cli(['nodes', 'show', node, '--json'])).stdout) as { node: { state: string } }).node.state;
    }
    return now;
  };
  return { dir, server, cli, events, waitForState };
}

export const startPbxbootServer: StartServer = async (lan, spec) => {
  // With RA wanted, pbxboot sends it itself (netboot.routerAdvertisement runs radvd).
  const p = await startPbxbootOn(lan, spec.cmdline, spec.ra ? { extraYaml: 'netboot: { routerAdvertisement: true }\n' } : {});
  const boot: BootServer = {
    ownRa: spec.ra,
    async waitForStage(stage, ms) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        const hit = (await p.events(`--stage agent.${stage}`))[0];
        if (hit) return { t: hit.time, detail: hit.detail };
        await new Promise((r) => setTimeout(r, 500));
      }
      throw new Error(`no agent.${stage} within ${ms} ms`);
    },
    requests: () => cachedRequests,
    async stop() {
      cachedRequests = toRequests(await p.events());
      await p.server.stop();
    },
  };
  let cachedRequests: { t: number; path: string; status: number }[] = [];
  // bootToReady reads requests() after ready: refresh them whenever a stage is awaited.
  const wait = boot.waitForStage;
  boot.waitForStage = async (stage, ms) => {
    const r = await wait(stage, ms);
    cachedRequests = toRequests(await p.events());
    return r;
  };
  return boot;
};

/** Maps pbxboot's http.* events to the stub's request list (paths as the stub names them). */
function toRequests(evs: BootEvent[]): { t: number; path: string; status: number }[] {
  return evs.flatMap((e) => {
    if (e.stage === 'http.ipxe-script') return [{ t: e.time, path: '/boot.ipxe', status: 200 }];
    if (e.stage === 'http.file' && typeof e.detail.path === 'string') return [{ t: e.time, path: `/files/${String(e.detail.path).split('/').pop()}`, status: 200 }];
    return [];
  });
}

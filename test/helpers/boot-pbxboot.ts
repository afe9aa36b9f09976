// pbxboot as the boot server of a BootLan (same StartServer shape as the
// dnsmasq peer): `pbxboot serve` inside the namespace, DHCP server mode on the
// bridge, TFTP from images/ipxe, HTTP boot routes, the test image as the
// default profile. Stages come from pbxboot's own netboot log, followed through
// one `pbxboot logs -f --json` process: polling with a CLI process per second
// stole enough CPU from the VM to triple its kernel boot on a 2-core machine.
import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
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
  /** images.dir (default: the repo's images/) */
  imagesDir?: string;
}

export async function startPbxbootOn(lan: BootLan, cmdline: string, o: PbxbootLabOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pbxboot-lab-'));
  writeFileSync(
    join(dir, 'pbxboot.yaml'),
    [
      `dataDir: ${join(dir, 'data')}`,
      'interface: br0',
      `enroll: ${o.enroll ?? 'auto'}`,
      `images: { dir: ${o.imagesDir ?? join(repoRoot, 'images')} }`,
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
  /** Waits until the node is in `state` (its node.state events, followed) or `ms` pass; returns the state then. */
  const waitForState = async (node: string, state: string, ms: number): Promise<string> => {
    const show = async () => (JSON.parse((await cli(['nodes', 'show', node, '--json'])).stdout) as { node: { id: string; state: string } }).node;
    const t0 = Date.now();
    const n = await show();
    if (n.state === state) return state;
    const log = follow();
    try {
      await log.wait((e) => e.stage === 'node.state' && e.node === n.id && e.time >= t0 && e.detail.to === state, ms, `${node} ${state}`);
      return state;
    } catch {
      return (await show()).state;
    } finally {
      await log.stop();
    }
  };
  /** One long-lived `logs -f --json`: every event, and a waiter on them. */
  const follow = () => {
    const seen: BootEvent[] = [];
    const waiters: { pred: (e: BootEvent) => boolean; resolve: (e: BootEvent) => void }[] = [];
    const tsx = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
    const entry = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));
    const proc = execa(lan.ns.prefix[0]!, [...lan.ns.prefix.slice(1), process.execPath, '--import', tsx, entry, '-c', join(dir, 'pbxboot.yaml'), 'logs', '-f', '--json', '-n', '100000'], {
      cwd: dir,
      env: { NO_COLOR: '1' },
      reject: false,
      buffer: false,
      stdin: 'ignore',
    });
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let e: BootEvent;
      try {
        e = JSON.parse(line) as BootEvent;
      } catch {
        return;
      }
      seen.push(e);
      for (const w of waiters.filter((x) => x.pred(e))) (waiters.splice(waiters.indexOf(w), 1), w.resolve(e));
    });
    return {
      seen,
      wait(pred: (e: BootEvent) => boolean, ms: number, what: string): Promise<BootEvent> {
        const hit = seen.find(pred);
        if (hit) return Promise.resolve(hit);
        return new Promise((resolve, reject) => {
          const w = { pred, resolve };
          waiters.push(w);
          setTimeout(() => {
            const i = waiters.indexOf(w);
            if (i >= 0) (waiters.splice(i, 1), reject(new Error(`no ${what} within ${ms} ms`)));
          }, ms).unref();
        });
      },
      async stop() {
        proc.kill('SIGTERM');
        await proc;
      },
    };
  };
  return { dir, server, cli, events, waitForState, follow };
}

export const startPbxbootServer: StartServer = async (lan, spec) => {
  // With RA wanted, pbxboot sends it itself (netboot.routerAdvertisement runs radvd).
  const p = await startPbxbootOn(lan, spec.cmdline, spec.ra ? { extraYaml: 'netboot: { routerAdvertisement: true }\n' } : {});
  const log = p.follow();
  return {
    ownRa: spec.ra,
    async waitForStage(stage, ms) {
      const e = await log.wait((x) => x.stage === `agent.${stage}`, ms, `agent.${stage}`);
      return { t: e.time, detail: e.detail };
    },
    requests: () => toRequests(log.seen),
    async stop() {
      await log.stop();
      await p.server.stop();
    },
  };
};

/** Maps pbxboot's http.* events to the stub's request list (paths as the stub names them). */
function toRequests(evs: BootEvent[]): { t: number; path: string; status: number }[] {
  return evs.flatMap((e) => {
    if (e.stage === 'http.ipxe-script') return [{ t: e.time, path: '/boot.ipxe', status: 200 }];
    if (e.stage === 'http.file' && typeof e.detail.path === 'string') return [{ t: e.time, path: `/files/${String(e.detail.path).split('/').pop()}`, status: 200 }];
    return [];
  });
}

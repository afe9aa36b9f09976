// Bytes of boot events per boot (issue 9 item 5): `pbxboot serve` in a namespace, one node's DHCP (PXE) → TFTP
// ipxe.efi → DHCP (iPXE) → HTTP script → kernel + initrd, then the size of its boot_events rows in the netboot log (state-events.db).
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, destroyNetns, linkVeth } from '../test/helpers/netns.js';
import { pbx, startServe } from '../test/helpers/cli.js';
import { clientScriptDir, udhcpc } from '../test/dhcp/helpers/lab.js';

export interface BootEventBytes {
  rows: number;
  /** stage + level + detail + mac + node text, plus 8 bytes each for id and time */
  bytes: number;
  stages: Record<string, number>;
}

export async function bootEventBytes(): Promise<BootEventBytes> {
  const dir = mkdtempSync(join(tmpdir(), 'pbx-dhcp-bootev-'));
  const srv = await createNetns('kd-es');
  const cli = await createNetns('kd-ec');
  try {
    await linkVeth(srv, '10.93.0.1/24', cli, null);
    mkdirSync(join(dir, 'images', 'ipxe'), { recursive: true });
    mkdirSync(join(dir, 'images', 'k'), { recursive: true });
    writeFileSync(join(dir, 'images', 'ipxe', 'ipxe.efi'), randomBytes(200_000));
    writeFileSync(join(dir, 'images', 'k', 'vmlinuz'), randomBytes(100_000));
    writeFileSync(join(dir, 'images', 'k', 'initrd.img'), randomBytes(100_000));
    writeFileSync(
      join(dir, 'pbxboot.yaml'),
      ['interface: eth0', `dataDir: ${join(dir, 'data')}`, 'images: { dir: images }', 'http: { host: 10.93.0.1, port: 8080 }', 'dhcp:', '  mode: server',
        '  pools: [{ subnet: 10.93.0.0/24, start: 10.93.0.100, end: 10.93.0.150 }]', 'profiles:', '  default:', '    kernel: k/vmlinuz', '    initrd: [k/initrd.img]', '    cmdline: "quiet"', ''].join('\n'),
    );
    const server = await startServe(['-c', join(dir, 'pbxboot.yaml')], { cwd: dir, prefix: srv.prefix });
    try {
      const mac = /"address":"([0-9a-f:]{17})"/.exec((await execa('ip', ['-n', cli.name, '-j', 'link', 'show', 'eth0'])).stdout)![1]!;
      const run = (args: string[]) => pbx(['-c', join(dir, 'pbxboot.yaml'), ...args], { cwd: dir, prefix: srv.prefix });
      if ((await run(['nodes', 'add', mac, '--name', 'pbx01'])).code !== 0) throw new Error('nodes add failed');
      const scripts = clientScriptDir();
      await udhcpc(cli, scripts.udhcpc, { arch: 7 }); // firmware PXE: address + ipxe.efi
      const got = join(dir, 'got.efi');
      const t = await execa('timeout', ['20', ...cli.prefix, 'tftp', '10.93.0.1', '-m', 'binary', '-c', 'get', 'ipxe.efi', got], { reject: false });
      if (t.exitCode !== 0) throw new Error(`tftp-hpa failed: ${t.stderr}`);
      const ipxe = await udhcpc(cli, scripts.udhcpc, { arch: 7, extra: ['-x', '0x4d:69505845'] }); // iPXE: user class "iPXE"
      const script = (await execa('timeout', ['20', ...cli.prefix, 'curl', '-sf', ipxe.boot_file!])).stdout;
      for (const url of script.match(/https?:\/\/\S+/g) ?? []) {
        if (/vmlinuz|initrd/.test(url)) await execa('timeout', ['20', ...cli.prefix, 'curl', '-sf', '-o', '/dev/null', url.replace(/\s.*$/, '')], { reject: false });
      }
      await new Promise((r) => setTimeout(r, 500)); // the event log flushes every 20 ms
    } finally {
      await server.stop();
    }
    const state = new Database(join(dir, 'data', 'state.db'), { readonly: true });
    const id = (state.prepare('SELECT id FROM nodes WHERE name = ?').get('pbx01') as { id: string } | undefined)?.id ?? null;
    state.close();
    const db = new Database(join(dir, 'data', 'state-events.db'), { readonly: true });
    try {
      // the boot's steps (node.* lifecycle rows from `nodes add` are not part of it)
      const where = "(mac IN (SELECT mac FROM boot_events WHERE node = ? AND mac IS NOT NULL) OR node = ?) AND stage NOT LIKE 'node.%'";
      const sum = db.prepare(`SELECT count(*) AS rows, sum(length(stage) + length(level) + length(detail) + ifnull(length(mac), 0) + ifnull(length(node), 0) + 16) AS bytes FROM boot_events WHERE ${where}`).get(id, id) as { rows: number; bytes: number };
      const stages = Object.fromEntries((db.prepare(`SELECT stage, count(*) AS n FROM boot_events WHERE ${where} GROUP BY stage`).all(id, id) as { stage: string; n: number }[]).map((r) => [r.stage, r.n]));
      return { rows: sum.rows, bytes: sum.bytes, stages };
    } finally {
      db.close();
    }
  } finally {
    await destroyNetns(srv);
    await destroyNetns(cli);
  }
}

// `pbxboot serve` with an interface, in a network namespace: a real DHCP client
// gets a lease and the boot file, a real TFTP client fetches it, and the node's
// timeline in `pbxboot logs` shows every step with its MAC. An unknown PXE
// client is recorded as `discovered` with its arch and vendor class.
import t from 'tap';
import { execa } from 'execa';
import { randomBytes, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetns, destroyAllNetns, linkVeth, requireNetns } from '../helpers/netns.js';
import { pbx, startServe } from '../helpers/cli.js';
import { clientScriptDir, udhcpc } from '../dhcp/helpers/lab.js';
import { serverDir } from '../helpers/server-dir.js';

t.test('serve: DHCP server mode + TFTP + timeline, in namespaces', async (t) => {
  await requireNetns();
  t.teardown(destroyAllNetns);
  const srv = await createNetns('srv');
  const cli = await createNetns('cli');
  const cli2 = await createNetns('cli2');
  await execa('ip', ['-n', srv.name, 'link', 'add', 'br0', 'type', 'bridge']);
  await execa('ip', ['-n', srv.name, 'addr', 'add', '10.77.0.1/24', 'dev', 'br0']);
  await execa('ip', ['-n', srv.name, 'link', 'set', 'br0', 'up']);
  for (const [ns, port] of [[cli, 'p1'], [cli2, 'p2']] as const) {
    await linkVeth(srv, null, ns, null, { aIf: port, bIf: 'eth0' });
    await execa('ip', ['-n', srv.name, 'link', 'set', port, 'master', 'br0']);
  }
  const mac = (await execa('ip', ['-n', cli.name, '-j', 'link', 'show', 'eth0'])).stdout.match(/"address":"([0-9a-f:]{17})"/)![1]!;

  const dir = serverDir(t);
  const ipxe = randomBytes(200_000);
  mkdirSync(join(dir, 'images', 'ipxe'), { recursive: true });
  writeFileSync(join(dir, 'images', 'ipxe', 'ipxe.efi'), ipxe);
  writeFileSync(
    join(dir, 'pbxboot.yaml'),
    [
      'interface: br0',
      'images: { dir: images }',
      'http: { host: 10.77.0.1, port: 8080 }',
      'dhcp:',
      '  mode: server',
      '  pools: [{ subnet: 10.77.0.0/24, start: 10.77.0.100, end: 10.77.0.150 }]',
      '',
    ].join('\n'),
  );
  const server = await startServe([], { cwd: dir, prefix: srv.prefix });
  t.teardown(() => server.stop());
  const run = (args: string[]) => pbx(args, { cwd: dir, prefix: srv.prefix });
  t.equal((await run(['nodes', 'add', mac, '--name', 'pbx01'])).code, 0);

  const scripts = clientScriptDir();
  const lease = await udhcpc(cli, scripts.udhcpc, { arch: 7 });
  t.match(lease.ip, /^10\.77\.0\.(1[0-4]\d|150)$/, 'lease from the pool');
  t.equal(lease.boot_file, 'ipxe.efi', 'UEFI x64 gets ipxe.efi');
  t.equal(lease.siaddr, '10.77.0.1');

  const out = join(dir, 'got.efi');
  const tftp = await execa('timeout', ['20', ...cli.prefix, 'tftp', '10.77.0.1', '-m', 'binary', '-c', 'get', 'ipxe.efi', out], { reject: false });
  t.equal(tftp.exitCode, 0, `tftp-hpa fetched the boot file ${tftp.stderr}`);
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  t.equal(sha(readFileSync(out)), sha(ipxe), 'same bytes');

  // The unknown PXE client: no boot file, recorded as discovered with arch/vendor class.
  await udhcpc(cli2, scripts.udhcpc, { arch: 0, timeoutS: 8 }).catch(() => undefined);

  await new Promise((r) => setTimeout(r, 300)); // the event log flushes every 20 ms
  const logs = JSON.parse(`[${(await run(['logs', '--node', 'pbx01', '--json'])).stdout.trim().split('\n').join(',')}]`) as { stage: string; mac: string }[];
  const stages = logs.map((e) => e.stage);
  for (const s of ['dhcp.discover', 'dhcp.offer', 'dhcp.request', 'dhcp.ack', 'tftp.rrq', 'tftp.complete']) t.ok(stages.includes(s), `timeline has ${s}`);
  t.ok(stages.indexOf('dhcp.ack') < stages.indexOf('tftp.complete'), 'in order');
  t.ok(logs.filter((e) => e.stage.startsWith('tftp.')).every((e) => e.mac === mac), 'TFTP steps carry the MAC');

  const nodes = JSON.parse((await run(['nodes', 'ls', '--json'])).stdout) as { name: string; state: string; macs: string[] }[];
  const disc = nodes.find((n) => n.state === 'discovered');
  t.ok(disc, 'unknown PXE client listed as discovered');
  const discLogs = (await run(['logs', '--mac', disc!.macs[0]!, '--json'])).stdout;
  t.match(discLogs, /"arch":0/);
  t.match(discLogs, /PXEClient:Arch:00000/);
  t.match(discLogs, /"stage":"dhcp.ignore"/);
});

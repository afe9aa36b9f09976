// The node agent (images/agent/pbxboot-agent.sh) against real busybox udhcpc,
// dnsmasq and the stub boot server, in network namespaces: lease, bundle
// install with checksums, start command, ready, heartbeat, bundle change → reload.
import t, { type Test } from 'tap';
import { execa, type ResultPromise } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBootLan, killNsProcesses, startDnsmasq } from '../helpers/boot-lan.js';
import { startBootStub, type BootStub } from '../helpers/boot-stub.js';
import { encodeBundle } from '../../src/boot/bundle-tar.js';
import { createNetns, destroyAllNetns, ip, linkVeth, requireNetns } from '../helpers/netns.js';

const agent = fileURLToPath(new URL('../../images/agent/pbxboot-agent.sh', import.meta.url));

interface Rig {
  stub: BootStub;
  work: string;
  conf: string;
  startAgent(): void;
}

/** LAN with dnsmasq + stub server, a client namespace on the bridge, the agent ready to start. */
async function rig(t: Test, subnet: number): Promise<Rig> {
  await requireNetns();
  for (const tool of ['busybox', 'dnsmasq']) {
    const r = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
    if (r.exitCode !== 0) throw new Error(`${tool} missing: run scripts/test-deps.sh (busybox-static, dnsmasq-base)`);
  }
  const work = mkdtempSync(join(tmpdir(), 'pbx-agent-'));
  const lan = await createBootLan('agl', subnet);
  let agentProc: ResultPromise | undefined;
  let clientNs = '';
  const log: string[] = [];
  t.teardown(async () => {
    if (!t.passing()) t.comment(log.join(''));
    if (clientNs) await killNsProcesses(clientNs); // the agent and its udhcpc daemon
    await agentProc?.catch(() => undefined);
    await lan.destroy();
    await destroyAllNetns();
    rmSync(work, { recursive: true, force: true });
  });
  startDnsmasq(lan, { tftpRoot: work, scriptUrl: 'http://unused/', noPing: true });
  const stub = await startBootStub(lan.ns.name, {
    host: lan.serverIp,
    port: 0,
    filesDir: work,
    node: 'pbx01',
    token: 'tok-1',
    cmdline: '',
    files: [
      { name: 'asterisk.conf', content: '[directories]\n' },
      { name: 'pjsip.conf', content: '[global]\ntype=global\n' },
    ],
    interval: 1,
  });
  t.teardown(() => stub.stop());
  const client = await createNetns('agc');
  clientNs = client.name;
  await linkVeth(client, null, lan.ns, null, { aIf: 'eth0', bIf: 'vcl0' });
  await ip('-n', lan.ns.name, 'link', 'set', 'vcl0', 'master', lan.bridge);
  const conf = join(work, 'etc-asterisk');
  const cmdline = join(work, 'cmdline');
  writeFileSync(
    cmdline,
    `BOOT_IMAGE=vmlinuz console=ttyS0 pbxboot.url=${stub.url} pbxboot.node=pbx01 pbxboot.token=tok-1 ` +
      `pbxboot.iface=eth0 pbxboot.dir=${conf} pbxboot.interval=1 ` +
      `pbxboot.start="touch ${work}/started" pbxboot.reload="touch ${work}/reloaded"\n`,
  );
  return {
    stub,
    work,
    conf,
    startAgent() {
      agentProc = execa('ip', ['netns', 'exec', client.name, 'sh', agent], {
        env: { PBXBOOT_CMDLINE_FILE: cmdline, PBXBOOT_STATE: join(work, 'state'), PBXBOOT_RESOLV: join(work, 'resolv.conf') },
        reject: false,
        buffer: false,
        stdin: 'ignore',
      });
      agentProc.stderr?.on('data', (d: Buffer) => log.push(d.toString()));
    },
  };
}

t.test('agent: DHCP, bundle, start, ready, heartbeat, reload on change', async (t) => {
  const { stub, work, conf, startAgent } = await rig(t, 78);
  startAgent();
  const ready = await stub.waitForStage('ready', 30_000);
  t.match(ready.detail, { ip: /^10\.78\.0\.1\d\d$/ }, 'ready carries the leased address');
  t.same(
    stub.events.slice(0, 4).map((e) => e.stage),
    ['net.up', 'bundle.fetched', 'bundle.installed', 'asterisk.started'],
    'stages in order before ready',
  );
  t.equal(readFileSync(join(conf, 'pjsip.conf'), 'utf8'), '[global]\ntype=global\n', 'file installed');
  t.notOk(existsSync(join(conf, 'MANIFEST')), 'MANIFEST is not installed');
  t.ok(existsSync(join(work, 'started')), 'start command ran');

  await stub.waitForStage('heartbeat', 10_000);
  // The agent polls with If-None-Match after each heartbeat: unchanged → 304.
  const polls = () => stub.requests.filter((r) => r.path.includes('/bundle') && r.status === 304).length;
  for (let i = 0; i < 100 && polls() === 0; i++) await new Promise((r) => setTimeout(r, 100));
  t.ok(polls() >= 1, 'unchanged bundle polled with If-None-Match, answered 304');

  // A re-rendered bundle: changed pjsip.conf, asterisk.conf dropped, extconfig.conf added.
  stub.setFiles([
    { name: 'pjsip.conf', content: '[global]\ntype=global\nuser_agent=pbx\n' },
    { name: 'extconfig.conf', content: '[settings]\n' },
  ]);
  const changed = await stub.waitForStage('bundle.changed', 15_000);
  await stub.waitForStage('asterisk.reloaded', 10_000);
  t.not(changed.detail.etag, ready.detail.etag, 'new ETag');
  t.match(readFileSync(join(conf, 'pjsip.conf'), 'utf8'), /user_agent=pbx/, 'changed file installed');
  t.ok(existsSync(join(conf, 'extconfig.conf')), 'new file installed');
  t.notOk(existsSync(join(conf, 'asterisk.conf')), 'file dropped from the bundle is removed');
  t.ok(existsSync(join(work, 'reloaded')), 'reload command ran');
});

t.test('agent: a bundle whose checksums do not match is rejected, then a good one is taken', async (t) => {
  const { stub, work, conf, startAgent } = await rig(t, 79);
  const good = encodeBundle([{ name: 'pjsip.conf', content: '[global]\ntype=global\n' }]);
  const bad = Buffer.from(good.body);
  bad[bad.indexOf('[global]')] = 0x28; // content changed, SHA256SUMS not
  stub.setRawBundle(bad, '"bad"');
  startAgent();
  const failed = await stub.waitForStage('failed', 30_000);
  t.match(failed.detail, { reason: /checksum mismatch/ }, 'agent reports why');
  t.notOk(existsSync(join(conf, 'pjsip.conf')), 'nothing installed from the tampered bundle');
  t.notOk(existsSync(join(work, 'started')), 'Asterisk not started');
  t.notOk(stub.events.some((e) => e.stage === 'ready'), 'no ready');
  stub.setRawBundle(good.body, good.etag);
  await stub.waitForStage('ready', 30_000);
  t.equal(readFileSync(join(conf, 'pjsip.conf'), 'utf8'), '[global]\ntype=global\n', 'good bundle installed after retry');
});

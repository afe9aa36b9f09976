// A boot LAN for real PXE clients: a network namespace holding a bridge with
// the server's address; QEMU taps join the bridge, peers (dnsmasq, radvd, the
// stub HTTP server, later pbxboot) run inside the namespace. Nothing touches
// the machine's real interfaces.
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, destroyNetns, ip, type Netns } from './netns.js';

export interface BootLan {
  ns: Netns;
  bridge: string; // 'br0'
  serverIp: string; // e.g. 10.77.0.1
  prefix: string; // e.g. 10.77.0 (the /24)
  /** background processes started with spawn(); stopped by destroy() */
  spawn(cmd: string, args: string[]): ResultPromise;
  destroy(): Promise<void>;
}

/**
 * SIGKILL every process still inside a namespace this test made (daemons that
 * forked away from their parent, e.g. udhcpc after its lease); deleting a
 * namespace does not stop them.
 */
export async function killNsProcesses(nsName: string): Promise<void> {
  const r = await execa('ip', ['netns', 'pids', nsName], { reject: false });
  for (const pid of String(r.stdout).split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function createBootLan(tag: string, subnet = 77): Promise<BootLan> {
  const ns = await createNetns(tag);
  const prefix = `10.${subnet}.0`;
  const serverIp = `${prefix}.1`;
  const bridge = 'br0';
  await ip('-n', ns.name, 'link', 'add', bridge, 'type', 'bridge');
  // forward_delay 0: a new tap forwards at once, or the firmware's first DHCP frames vanish.
  await ip('-n', ns.name, 'link', 'set', bridge, 'type', 'bridge', 'forward_delay', '0');
  await ip('-n', ns.name, 'addr', 'add', `${serverIp}/24`, 'dev', bridge);
  await ip('-n', ns.name, 'link', 'set', bridge, 'up');
  const children: ResultPromise[] = [];
  return {
    ns,
    bridge,
    serverIp,
    prefix,
    spawn(cmd, args) {
      const p = execa('ip', ['netns', 'exec', ns.name, cmd, ...args], { reject: false, stdin: 'ignore', buffer: false });
      children.push(p);
      return p;
    },
    async destroy() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      await killNsProcesses(ns.name);
      await Promise.all(children.map((c) => c.catch(() => undefined)));
      await destroyNetns(ns);
    },
  };
}

export interface DnsmasqOptions {
  tftpRoot: string; // holds undionly.kpxe, ipxe.efi
  scriptUrl: string; // what iPXE (user class "iPXE") is told to fetch
  noPing?: boolean; // dnsmasq's default ping check delays the first offer ≈ 3 s
  logFile?: string;
}

/** dnsmasq as DHCP server + TFTP on the LAN's bridge, the classic iPXE chainload set-up. */
export function startDnsmasq(lan: BootLan, o: DnsmasqOptions): ResultPromise {
  const dir = mkdtempSync(join(tmpdir(), 'pbx-dnsmasq-'));
  const conf = [
    'port=0', // no DNS
    `interface=${lan.bridge}`,
    'bind-interfaces',
    `dhcp-range=${lan.prefix}.100,${lan.prefix}.199,255.255.255.0,1h`,
    `dhcp-leasefile=${join(dir, 'leases')}`,
    'dhcp-userclass=set:ipxe,iPXE',
    'dhcp-match=set:efi64,option:client-arch,7',
    'dhcp-match=set:efi64,option:client-arch,9',
    `dhcp-boot=tag:ipxe,${o.scriptUrl}`,
    'dhcp-boot=tag:!ipxe,tag:efi64,ipxe.efi',
    'dhcp-boot=tag:!ipxe,tag:!efi64,undionly.kpxe',
    'enable-tftp',
    `tftp-root=${o.tftpRoot}`,
    'log-dhcp',
    ...(o.noPing ? ['no-ping'] : []),
  ];
  writeFileSync(join(dir, 'dnsmasq.conf'), conf.join('\n') + '\n');
  const p = lan.spawn('dnsmasq', ['--keep-in-foreground', '--no-daemon', '--conf-file=' + join(dir, 'dnsmasq.conf'), `--pid-file=${join(dir, 'pid')}`, ...(o.logFile ? [`--log-facility=${o.logFile}`] : [])]);
  void p.finally(() => rmSync(dir, { recursive: true, force: true }));
  return p;
}

/**
 * radvd sending router advertisements with router lifetime 0 and no prefix:
 * "no default router here, no SLAAC" (RFC 4861 §4.2). iPXE's IPv6 configurator
 * completes on any RA, so it stops waiting ≈ 13 s for a router before its script.
 */
export function startRadvd(lan: BootLan): ResultPromise {
  const dir = mkdtempSync(join(tmpdir(), 'pbx-radvd-'));
  const conf = `interface ${lan.bridge} {\n  AdvSendAdvert on;\n  AdvDefaultLifetime 0;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 4;\n};\n`;
  writeFileSync(join(dir, 'radvd.conf'), conf);
  const p = lan.spawn('radvd', ['--nodaemon', '-C', join(dir, 'radvd.conf'), '-p', join(dir, 'pid'), '-m', 'stderr']);
  void p.finally(() => rmSync(dir, { recursive: true, force: true }));
  return p;
}

/** Runs once in a namespace; used by radvd (it refuses to advertise without forwarding). */
export async function enableIpv6Forwarding(lan: BootLan): Promise<void> {
  await execa('ip', ['netns', 'exec', lan.ns.name, 'sysctl', '-qw', 'net.ipv6.conf.all.forwarding=1']);
}

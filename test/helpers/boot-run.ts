// One real netboot, VM start → agent `ready`, against a swappable boot server,
// split into stages. Shared by test/e2e and bench/boot.bench.ts; the peer set-up
// here is dnsmasq (DHCP+TFTP) + the stub HTTP server; pbxboot plugs in through
// the same StartServer signature once its servers are in app.ts.
import { execa } from 'execa';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BootLan, startDnsmasq, startRadvd, enableIpv6Forwarding } from './boot-lan.js';
import { startBootStub } from './boot-stub.js';
import { requireNetns } from './netns.js';
import { randomMac, requireQemu, startVm, type Firmware } from './qemu.js';
import { captureWire, serverShare } from './wire-timing.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const testImageDir = join(repoRoot, 'images/test/out');
export const ipxeDir = join(repoRoot, 'images/ipxe');
/** Where boot tests leave their machines' serial logs. */
export const artifactsDir = join(repoRoot, 'test/artifacts');

/**
 * What a test that boots real machines needs first: namespaces, QEMU for `firmware`, Debian's iPXE binaries and the
 * test image (both scripts are idempotent and fast, and say what to install), and the artifacts dir.
 */
export async function prepareBoot(firmware: Firmware): Promise<void> {
  await requireNetns();
  await requireQemu(firmware);
  if (!existsSync(join(ipxeDir, firmware === 'uefi' ? 'ipxe.efi' : 'undionly.kpxe'))) await execa(join(repoRoot, 'scripts/fetch-ipxe.sh'), { stdio: 'inherit' });
  await execa(join(repoRoot, 'scripts/build-test-image.sh'), { stdio: 'inherit' });
  if (!existsSync(join(testImageDir, 'initrd.img'))) throw new Error('test image not built');
  mkdirSync(artifactsDir, { recursive: true });
}

export interface BootServer {
  /** epoch ms of the first phone-home event with this stage */
  waitForStage(stage: string, ms: number): Promise<{ t: number; detail: Record<string, unknown> }>;
  /** HTTP requests the server answered, with completion time (epoch ms) */
  requests(): { t: number; path: string; status: number }[];
  /** the server sends its own router advertisements (bootToReady starts no radvd) */
  ownRa?: boolean;
  stop(): Promise<void>;
}

export interface ServerSpec {
  node: string;
  token: string;
  imageDir: string; // vmlinuz + initrd.img
  cmdline: string; // extra kernel command line
  /** router advertisements wanted on the link (a server that can send them does) */
  ra: boolean;
}

export type StartServer = (lan: BootLan, spec: ServerSpec) => Promise<BootServer>;

const STUB_PORT = 8080; // inside the namespace only

/** The peer: dnsmasq hands out addresses and iPXE, the stub serves HTTP. */
export const startDnsmasqPeer: StartServer = async (lan, spec) => {
  const dnsmasq = startDnsmasq(lan, { tftpRoot: ipxeDir, scriptUrl: `http://${lan.serverIp}:${STUB_PORT}/boot.ipxe` });
  const stub = await startBootStub(lan.ns.name, {
    host: lan.serverIp,
    port: STUB_PORT,
    filesDir: spec.imageDir,
    node: spec.node,
    token: spec.token,
    cmdline: spec.cmdline,
    files: [{ name: 'pjsip.conf', content: `; node ${spec.node}\n[global]\ntype=global\n` }],
    interval: 30,
  });
  return {
    waitForStage: (stage, ms) => stub.waitForStage(stage, ms),
    requests: () => stub.requests,
    async stop() {
      await stub.stop();
      dnsmasq.kill('SIGTERM');
      await dnsmasq;
    },
  };
};

export interface BootTimeline {
  firmware: Firmware;
  ra: boolean;
  /** VM start → iPXE script requested (firmware, DHCP, TFTP of iPXE on UEFI, iPXE's own DHCP and IPv6 wait) */
  toScriptMs: number;
  /** script → kernel and initrd downloaded */
  imagesMs: number;
  /** initrd downloaded → init running (kernel boot) */
  kernelMs: number;
  /** init → agent `ready` (driver load, udhcpc, bundle, events) */
  agentMs: number;
  totalMs: number;
  /** iPXE's last "Configuring (net0 …)" before the script: link up → "ok" (DHCP + IPv6 wait); null if not on the console */
  ipxeConfigureMs: number | null;
  /** the server's own share, VM start → ready: every response latency on the wire summed */
  shareMs: number;
  shareHttpMs: number;
  shareDhcpMs: number;
  shareTftpMs: number;
  /** requests (HTTP, DHCP DISCOVER/REQUEST, TFTP RRQ) the share sums over */
  requests: number;
  /** each answered request before ready: "GET /path 12" (ms to first byte), "discover 0x… 3" */
  latencies: string[];
}

export interface BootRunOptions {
  lan: BootLan;
  firmware: Firmware;
  startServer: StartServer;
  /** send router advertisements (lifetime 0, no prefix) on the boot link */
  ra: boolean;
  serialLog: string;
  timeoutMs: number;
  onLine?: (line: string, ms: number) => void;
  /** image to boot (vmlinuz + initrd.img [+ rootfs.squashfs]); default the test image */
  imageDir?: string;
  /** extra kernel command line; default 'console=ttyS0 quiet' */
  cmdline?: (serverBase: string) => string;
  /** console line marking "the kernel runs our init"; default the test image's */
  initLine?: RegExp;
  memoryMb?: number;
  /** UEFI: OVMF's own PXE client (TFTP of ipxe.efi, then iPXE) instead of QEMU's iPXE EFI NIC ROM */
  firmwarePxe?: boolean;
}

export async function bootToReady(o: BootRunOptions): Promise<BootTimeline> {
  const node = `vm-${o.firmware}`;
  const server = await o.startServer(o.lan, {
    node,
    token: `tok-${Math.random().toString(36).slice(2)}`,
    imageDir: o.imageDir ?? testImageDir,
    // quiet: the kernel's serial output is slow under TCG and not needed.
    cmdline: o.cmdline ? o.cmdline(`http://${o.lan.serverIp}:${STUB_PORT}`) : 'console=ttyS0 quiet',
    ra: o.ra,
  });
  const radvd = o.ra && !server.ownRa ? startRadvd(o.lan) : undefined;
  // Both servers listen on STUB_PORT; their timings come from the wire, measured alike.
  const wire = captureWire(o.lan, STUB_PORT);
  let wireStopped = false;
  if (radvd) await enableIpv6Forwarding(o.lan);
  const vm = await startVm({
    nsName: o.lan.ns.name,
    bridge: o.lan.bridge,
    firmware: o.firmware,
    mac: randomMac(),
    serialLog: o.serialLog,
    timeoutMs: o.timeoutMs,
    ...(o.memoryMb ? { memoryMb: o.memoryMb } : {}),
    ...(o.firmwarePxe ? { firmwarePxe: true } : {}),
    ...(o.onLine ? { onLine: o.onLine } : {}),
  });
  try {
    const failed = server.waitForStage('failed', o.timeoutMs).then((e) => {
      throw new Error(`agent reported failed: ${JSON.stringify(e.detail)}`);
    });
    const exited = vm.exited.then((c) => {
      throw new Error(`QEMU exited (${c}) before ready; console: ${o.serialLog}`);
    });
    failed.catch(() => undefined); // only the race below should observe these
    exited.catch(() => undefined);
    const ready = await Promise.race([server.waitForStage('ready', o.timeoutMs), failed, exited]);
    const init = await vm.waitForLine(o.initLine ?? /pbxboot-test-image: init/, 5_000);
    wireStopped = true;
    const w = await wire.stop();
    const script = w.http.find((r) => r.path.startsWith('/boot.ipxe') || r.path.startsWith('/boot/ipxe/'));
    const initrd = w.http.find((r) => /initrd/.test(r.path) && r.end !== null);
    if (!script || !initrd) throw new Error(`no script/initrd request on the wire: ${JSON.stringify(w.http.map((h) => h.path))}`);
    const share = serverShare(w, ready.t);
    const t0 = vm.startedAt;
    // The "Configuring … ok" line is only complete (and timed) when iPXE prints "ok".
    let ipxeConfigureMs: number | null = null;
    const tScript = script.t - t0;
    for (let i = 1; i < vm.lines.length; i++) {
      const cur = vm.lines[i]!;
      if (cur.ms > tScript) break;
      if (/^Configuring \(net\d/.test(cur.line) && /ok$/.test(cur.line)) ipxeConfigureMs = cur.ms - vm.lines[i - 1]!.ms;
    }
    const tInit = t0 + init.ms;
    return {
      firmware: o.firmware,
      ra: o.ra,
      toScriptMs: script.t - t0,
      // script request → last byte of the initrd: both servers timed at completion on the wire
      imagesMs: initrd.end! - script.t,
      kernelMs: tInit - initrd.end!,
      agentMs: ready.t - tInit,
      totalMs: ready.t - t0,
      ipxeConfigureMs,
      shareMs: share.totalMs,
      shareHttpMs: share.httpMs,
      shareDhcpMs: share.dhcpMs,
      shareTftpMs: share.tftpMs,
      requests: share.requests,
      latencies: [
        ...w.http.filter((h) => h.t <= ready.t).map((h) => `${h.method} ${h.path.replace(/\?.*/, '')} ${h.firstByte === null ? '-' : h.firstByte - h.t}`),
        ...w.udp.filter((u) => u.t <= ready.t).map((u) => `${u.kind} ${u.what} ${u.reply === null ? '-' : u.reply - u.t}`),
      ],
    };
  } finally {
    if (!wireStopped) await wire.stop();
    await vm.stop();
    radvd?.kill('SIGTERM');
    await radvd;
    await server.stop();
  }
}

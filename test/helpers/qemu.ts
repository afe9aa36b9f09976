// A real PXE client: a QEMU (TCG) machine whose NIC is a tap on a bridge inside
// a network namespace. BIOS = SeaBIOS + QEMU's iPXE NIC ROM (never pass
// romfile=, SeaBIOS would skip it); UEFI = OVMF, whose own PXE fetches ipxe.efi.
// Serial console goes to a file and to a line callback; hard timeout; stop()
// always kills QEMU and removes the tap.
import { execa, type ResultPromise } from 'execa';
import { createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ip } from './netns.js';

export type Firmware = 'bios' | 'uefi';

export interface VmOptions {
  nsName: string;
  bridge: string;
  firmware: Firmware;
  mac: string; // 52:54:00:xx:xx:xx
  serialLog: string; // file path
  onLine?: (line: string, msSinceStart: number) => void;
  timeoutMs: number; // hard limit; QEMU is killed after it
  memoryMb?: number;
  nic?: 'e1000' | 'virtio-net-pci';
  ovmf?: string;
  /** -no-reboot: a guest reboot makes QEMU exit (observable in tests) */
  noReboot?: boolean;
  /** boot this kernel directly (QEMU -kernel/-initrd/-append) instead of the network: a
   * node whose kernel command line is chosen by the test (e.g. a replayed boot token) */
  direct?: { kernel: string; initrd: string; append: string };
  /** UEFI only: no option ROM on the NIC (romfile=), so OVMF's own PXE client boots (it
   * fetches ipxe.efi by TFTP and chainloads it) instead of QEMU's iPXE EFI ROM; needs a NIC
   * OVMF drives itself: virtio-net-pci */
  firmwarePxe?: boolean;
}

export interface Vm {
  startedAt: number; // epoch ms just before QEMU was spawned
  /** resolves with the first console line matching re (already seen or later) */
  waitForLine(re: RegExp, ms: number): Promise<{ line: string; ms: number }>;
  lines: { line: string; ms: number }[];
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export const OVMF_PATHS = ['/usr/share/ovmf/OVMF.fd', '/usr/share/qemu/OVMF.fd'];

export async function requireQemu(firmware: Firmware): Promise<void> {
  const r = await execa('qemu-system-x86_64', ['--version'], { reject: false });
  if (r.exitCode !== 0) throw new Error('qemu-system-x86_64 missing: run scripts/test-deps.sh (qemu-system-x86, ipxe-qemu)');
  if (!existsSync('/usr/lib/ipxe/qemu/pxe-e1000.rom')) throw new Error('QEMU NIC ROMs missing: apt-get install ipxe-qemu');
  if (firmware === 'uefi' && !OVMF_PATHS.some(existsSync)) throw new Error('OVMF missing: apt-get install ovmf');
}

export async function startVm(o: VmOptions): Promise<Vm> {
  const tap = `tap${randomBytes(3).toString('hex')}`;
  await ip('-n', o.nsName, 'tuntap', 'add', 'dev', tap, 'mode', 'tap');
  await ip('-n', o.nsName, 'link', 'set', tap, 'master', o.bridge);
  await ip('-n', o.nsName, 'link', 'set', tap, 'up');
  const args = [
    '-machine', 'pc,accel=tcg',
    '-m', String(o.memoryMb ?? 512),
    '-smp', '1',
    '-display', 'none',
    '-monitor', 'none',
    '-serial', 'stdio',
    '-no-user-config',
    '-nodefaults',
    ...(o.direct ? ['-kernel', o.direct.kernel, '-initrd', o.direct.initrd, '-append', o.direct.append] : ['-boot', 'n']),
    '-netdev', `tap,id=n0,ifname=${tap},script=no,downscript=no`,
    '-device', o.firmwarePxe ? `virtio-net-pci,netdev=n0,mac=${o.mac},romfile=` : `${o.nic ?? 'e1000'},netdev=n0,mac=${o.mac}`,
  ];
  if (o.noReboot) args.push('-no-reboot');
  let tmp: string | undefined;
  if (o.firmware === 'bios') {
    // SeaBIOS "sercon": mirror the BIOS/iPXE text console to the serial port, so
    // the log shows iPXE's DHCP and "Configuring … ok" lines (there is no VGA).
    // SeaBIOS reads the port as a little-endian integer file (0x3f8 = COM1).
    tmp = mkdtempSync(join(tmpdir(), 'pbx-qemu-'));
    writeFileSync(join(tmp, 'sercon-port'), Buffer.from([0xf8, 0x03]));
    args.push('-fw_cfg', `name=etc/sercon-port,file=${join(tmp, 'sercon-port')}`);
  }
  if (o.firmware === 'uefi') {
    const ovmf = o.ovmf ?? OVMF_PATHS.find(existsSync);
    if (!ovmf) throw new Error('OVMF missing: apt-get install ovmf');
    args.push('-bios', ovmf);
  }
  const log: WriteStream = createWriteStream(o.serialLog);
  const lines: { line: string; ms: number }[] = [];
  const waiters: { re: RegExp; resolve: (v: { line: string; ms: number }) => void }[] = [];
  const startedAt = Date.now();
  const proc: ResultPromise = execa('ip', ['netns', 'exec', o.nsName, 'qemu-system-x86_64', ...args], {
    reject: false,
    buffer: false,
    stdin: 'ignore',
    stderr: 'pipe',
  });
  let partial = '';
  const onData = (d: Buffer): void => {
    log.write(d);
    // Firmware consoles emit ANSI escapes and CRs; strip them for matching.
    partial += d.toString('latin1');
    const parts = partial.split(/\r?\n|\r/);
    partial = parts.pop() ?? '';
    for (const raw of parts) {
      const line = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').trim();
      if (!line) continue;
      const ms = Date.now() - startedAt;
      lines.push({ line, ms });
      o.onLine?.(line, ms);
      for (const w of waiters.filter((x) => x.re.test(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve({ line, ms });
      }
    }
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', (d: Buffer) => {
    const text = d.toString();
    if (!text.includes('fw_cfg item names should be prefixed')) log.write(`[qemu stderr] ${text}`);
  });
  const hard = setTimeout(() => proc.kill('SIGKILL'), o.timeoutMs);
  hard.unref();
  const exited = proc.then((r) => {
    clearTimeout(hard);
    return r.exitCode ?? null;
  });
  let stopped = false;
  return {
    startedAt,
    lines,
    exited,
    waitForLine(re, ms) {
      const seen = lines.find((l) => re.test(l.line));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const w = { re, resolve };
        waiters.push(w);
        const fail = (why: string): void => {
          const i = waiters.indexOf(w);
          if (i < 0) return;
          waiters.splice(i, 1);
          reject(new Error(`${why} waiting for ${re}; last console lines:\n${lines.slice(-15).map((l) => l.line).join('\n')}`));
        };
        setTimeout(() => fail(`timeout ${ms} ms`), ms).unref();
        void exited.then((code) => fail(`QEMU exited (${code})`));
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(hard);
      if (proc.exitCode === null) proc.kill('SIGKILL');
      await exited;
      await new Promise<void>((r) => log.end(r));
      await execa('ip', ['-n', o.nsName, 'link', 'del', tap], { reject: false });
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** A locally administered MAC in QEMU's OUI, unique enough for one test run. */
export function randomMac(): string {
  const b = randomBytes(3);
  return `52:54:00:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
}

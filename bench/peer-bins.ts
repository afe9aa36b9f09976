// Where the benchmarks find programs that are not plain Debian installs: atftpd is unpacked beside the project
// (scripts/fetch-atftpd.sh) because its package Conflicts with tftpd-hpa's; the delay line is compiled from bench/
// (test/tftp/pump-far-ack.test.ts runs it too).
import { execa } from 'execa';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Path of Debian's atftpd binary, unpacking it on first use. */
export async function atftpdPath(): Promise<string> {
  const r = await execa('bash', [`${repo}scripts/fetch-atftpd.sh`], { reject: false });
  if (r.exitCode !== 0) throw new Error(`atftpd unavailable: ${r.stderr.trim() || 'scripts/fetch-atftpd.sh failed'}`);
  return r.stdout.trim();
}

/** Path of the TFTP bench's UDP delay line, compiled from bench/udp-delay-relay.c into .cache/bench when stale. */
export async function delayRelayPath(): Promise<string> {
  const src = `${repo}bench/udp-delay-relay.c`;
  const bin = `${repo}.cache/bench/udp-delay-relay`;
  if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(src).mtimeMs) return bin;
  mkdirSync(`${repo}.cache/bench`, { recursive: true });
  const r = await execa('cc', ['-O2', '-Wall', '-o', bin, src], { reject: false });
  if (r.exitCode !== 0) throw new Error(`bench/udp-delay-relay.c did not compile (needs gcc: scripts/test-deps.sh): ${r.stderr || r.message}`);
  return bin;
}

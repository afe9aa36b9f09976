// Where the benchmarks find peer daemons that are not plain Debian installs: atftpd is unpacked beside the
// project (scripts/fetch-atftpd.sh) because its package Conflicts with tftpd-hpa's.
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Path of Debian's atftpd binary, unpacking it on first use. */
export async function atftpdPath(): Promise<string> {
  const r = await execa('bash', [`${repo}scripts/fetch-atftpd.sh`], { reject: false });
  if (r.exitCode !== 0) throw new Error(`atftpd unavailable: ${r.stderr.trim() || 'scripts/fetch-atftpd.sh failed'}`);
  return r.stdout.trim();
}

// Runs the pbxboot CLI from source as a real process, and starts a real server.
import { execa } from 'execa';
import { once } from 'node:events';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));
// tsx by URL, so the CLI can run with any working directory.
const tsx = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function pbx(args: string[], opts: { cwd?: string; env?: Record<string, string>; prefix?: string[] } = {}): Promise<CliResult> {
  const [cmd, ...pre] = [...(opts.prefix ?? []), process.execPath];
  const r = await execa(cmd!, [...pre, '--import', tsx, entry, ...args], {
    cwd: opts.cwd ?? root,
    env: { NO_COLOR: '1', ...opts.env },
    reject: false,
    timeout: 60_000,
  });
  return { code: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** `pbxboot serve` in a child process; resolves once it prints its URL. */
export async function startServe(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; prefix?: string[] },
): Promise<{ url: string; proc: ChildProcess; stop(): Promise<number | null>; stderr(): string }> {
  // With a prefix (ip netns exec NS), the signal goes to `ip`, which execs node: same process.
  const [cmd, ...pre] = [...(opts.prefix ?? []), process.execPath];
  const proc = spawn(cmd!, [...pre, '--import', tsx, entry, 'serve', ...args], {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 30_000);
    proc.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving (http:\/\/\S+)/.exec(err);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    });
    proc.once('exit', (code) => (clearTimeout(timer), reject(new Error(`serve exited ${code}: ${err}`))));
  });
  return {
    url,
    proc,
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill('SIGTERM');
      const [code] = (await once(proc, 'exit')) as [number | null];
      return code;
    },
  };
}

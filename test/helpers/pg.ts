// A throwaway PostgreSQL for tests: PBXBOOT_TEST_PG_URL when set, otherwise a
// cluster made with Debian's binaries (initdb + pg_ctl) on a temporary socket.
// Never skips: without PostgreSQL the suite fails saying how to install it.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, chownSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestPg {
  /** URL of a fresh, empty database */
  url: string;
  stop(): Promise<void>;
}

function pgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  throw new Error(
    'PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb). ' +
      'Install them with `apt-get install postgresql` (scripts/test-deps.sh does) or set PBXBOOT_TEST_PG_URL.',
  );
}

async function createDb(adminUrl: string): Promise<string> {
  const name = `pbxtest_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

let shared: { admin: string; stop: () => Promise<void>; users: number } | null = null;

async function startCluster(): Promise<{ admin: string; stop: () => Promise<void> }> {
  const env = process.env.PBXBOOT_TEST_PG_URL;
  if (env) return { admin: env, stop: async () => undefined };
  const bin = pgBin();
  const dir = mkdtempSync(join(tmpdir(), 'pbxboot-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? execa('runuser', ['-u', 'postgres', '--', cmd, ...args]) : execa(cmd, args);
  if (asRoot) chownSync(dir, Number((await execa('id', ['-u', 'postgres'])).stdout), Number((await execa('id', ['-g', 'postgres'])).stdout));
  const port = 20000 + Math.floor(Math.random() * 20000);
  await run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  await run(join(bin, 'pg_ctl'), [
    '-D', data, '-w', '-l', join(dir, 'log'),
    '-o', `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off -c max_connections=200`,
    'start',
  ]);
  const admin = `postgresql://postgres@localhost/postgres?host=${encodeURIComponent(dir)}&port=${port}`;
  return {
    admin,
    stop: async () => {
      await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on a (per-process shared) throwaway cluster. */
export async function startTestPg(): Promise<TestPg> {
  if (!shared) shared = { ...(await startCluster()), users: 0 };
  shared.users++;
  const url = await createDb(shared.admin);
  return {
    url,
    stop: async () => {
      if (shared && --shared.users === 0) {
        const s = shared;
        shared = null;
        await s.stop();
      }
    },
  };
}

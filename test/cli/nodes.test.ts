// The CLI as a new user meets it, against a real `pbxboot serve`, on SQLite and on PostgreSQL.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pbx, startServe } from '../helpers/cli.js';
import { startTestPg } from '../helpers/pg.js';
import { freePort } from '../helpers/free-port.js';
import { serverDir } from '../helpers/server-dir.js';

const port = async () => String(await freePort());

for (const kind of ['sqlite', 'postgres'] as const) {
  t.test(`nodes add/ls/show/rm and bad input [${kind}]`, async (t) => {
    const dir = serverDir(t);
    const args = ['--http-port', await port()];
    if (kind === 'postgres') {
      const pg = await startTestPg();
      t.teardown(() => pg.stop());
      args.push('--state-db', pg.url);
    }
    const server = await startServe(args, { cwd: dir });
    t.teardown(() => server.stop());

    const add = await pbx(['nodes', 'add', '52:54:00:12:34:56', '--name', 'pbx01'], { cwd: dir });
    t.equal(add.code, 0, add.stderr);
    const ls = await pbx(['nodes', 'ls', '--json'], { cwd: dir });
    t.equal(ls.code, 0);
    const nodes = JSON.parse(ls.stdout) as { name: string; macs: string[]; state: string }[];
    t.same(nodes.map((n) => [n.name, n.macs, n.state]), [['pbx01', ['52:54:00:12:34:56'], 'enrolled']]);

    const bad = await pbx(['nodes', 'add', '52:54:00:12:34', '--name', 'pbx02'], { cwd: dir });
    t.equal(bad.code, 2, 'bad MAC is a usage error');
    t.match(bad.stderr, /invalid MAC address "52:54:00:12:34"/);
    const dup = await pbx(['nodes', 'add', 'AA-BB-CC-DD-EE-FF', '--name', 'pbx01'], { cwd: dir });
    t.equal(dup.code, 4, 'duplicate name is refused');
    t.match(dup.stderr, /"pbx01" already exists/);
    const unknown = await pbx(['nodes', 'show', 'pbx99'], { cwd: dir });
    t.equal(unknown.code, 3);
    t.match(unknown.stderr, /unknown node "pbx99"/);
    t.equal(JSON.parse((await pbx(['nodes', 'ls', '--json'], { cwd: dir })).stdout).length, 1, 'nothing written by refused commands');

    const show = await pbx(['nodes', 'show', '5254.0012.3456'], { cwd: dir });
    t.match(show.stdout, /name:\s+pbx01/);
    const logs = await pbx(['logs', '--json', '--node', 'pbx01'], { cwd: dir });
    t.match(logs.stdout, /"stage":"node.created"/);
    const rm = await pbx(['nodes', 'rm', 'pbx01'], { cwd: dir });
    t.equal(rm.code, 0);
    t.match((await pbx(['nodes', 'ls'], { cwd: dir })).stdout, /pbx01\tremoved/);

    t.equal(await server.stop(), 0, 'SIGTERM shuts down cleanly with exit 0');
    const down = await pbx(['status'], { cwd: dir });
    t.equal(down.code, 5, 'server not running → exit 5');
  });
}

t.test('config and database errors as a new user meets them', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'bad.yaml'), 'http:\n  port: [1,\n');
  writeFileSync(join(dir, 'typo.yaml'), 'dhcp:\n  mdoe: proxy\n');
  const yaml = await pbx(['-c', 'bad.yaml', 'serve'], { cwd: dir });
  t.equal(yaml.code, 2);
  t.match(yaml.stderr, /malformed YAML in bad\.yaml at line/);
  const typo = await pbx(['-c', 'typo.yaml', 'serve'], { cwd: dir });
  t.equal(typo.code, 2);
  t.match(typo.stderr, /unknown config key "dhcp\.mdoe"/);
  const db = await pbx(['serve', '--http-port', await port(), '--state-db', 'postgres://pbx:hunter2@127.0.0.1:1/pbx'], { cwd: dir });
  t.equal(db.code, 1);
  t.match(db.stderr, /cannot connect to PostgreSQL postgres:\/\/pbx:\*\*\*@127\.0\.0\.1:1\/pbx/);
  t.notMatch(db.stderr, /hunter2/, 'password redacted');
  const init = await pbx(['init'], { cwd: dir });
  t.equal(init.code, 0);
  t.equal((await pbx(['init'], { cwd: dir })).code, 4, 'init refuses to overwrite');
  const help = await pbx(['nodes', 'add', '--help'], { cwd: dir });
  t.match(help.stdout, /Example:\n\s+pbxboot nodes add/);
});

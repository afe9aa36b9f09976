// CLI polish against a real `pbxboot serve`: hostlists on nodes show/rm,
// colours only on a terminal and never with NO_COLOR, --help examples per verb.
import t from 'tap';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pbx, startServe } from '../helpers/cli.js';
import { freePort } from '../helpers/free-port.js';
import { makeOut, paint } from '../../src/cli/output.js';
import { buildProgram } from '../../src/cli/main.js';
import { describeCommands } from '../../src/cli/completion.js';
import { serverDir } from '../helpers/server-dir.js';

const esc = '\x1b[';

t.test('colour decision: TTY only, never with NO_COLOR or TERM=dumb', async (t) => {
  const tty = { isTTY: true, write: () => true } as unknown as NodeJS.WriteStream;
  const pipe = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
  const cases: [string, NodeJS.WriteStream, NodeJS.ProcessEnv, boolean][] = [
    ['terminal', tty, { TERM: 'xterm' }, true],
    ['terminal, NO_COLOR=1', tty, { TERM: 'xterm', NO_COLOR: '1' }, false],
    ['terminal, NO_COLOR set empty', tty, { NO_COLOR: '' }, false],
    ['terminal, TERM=dumb', tty, { TERM: 'dumb' }, false],
    ['pipe', pipe, {}, false],
  ];
  for (const [name, stream, env, want] of cases) {
    const out = makeOut(false, stream, env);
    t.equal(out.color, want, name);
    t.equal(paint(out, 'red', 'x').includes(esc), want, `${name}: paint`);
  }
});

t.test('hostlists, colours and help through the real CLI', async (t) => {
  const dir = serverDir(t);
  const server = await startServe(['--http-port', String(await freePort()), '--log-level', 'error'], { cwd: dir });
  t.teardown(() => server.stop());
  const admin = readFileSync(join(dir, 'data', 'api-token'), 'utf8').trim();
  for (let i = 1; i <= 5; i++) {
    const r = await fetch(`${server.url}/v1/nodes`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `pbx0${i}`, macs: [`52:54:00:00:09:0${i}`] }) });
    t.equal(r.status, 201);
  }

  const show = await pbx(['nodes', 'show', 'pbx[01-03]', '--json'], { cwd: dir });
  t.equal(show.code, 0, show.stderr);
  t.same((JSON.parse(show.stdout) as { node: { name: string } }[]).map((r) => r.node.name), ['pbx01', 'pbx02', 'pbx03'], 'a hostlist shows an array, in order (one NODE: an object, as before)');
  const rm = await pbx(['nodes', 'rm', 'pbx[04-05]', '--force'], { cwd: dir });
  t.equal(rm.code, 0, rm.stderr);
  t.match(rm.stdout, /removed pbx04\nremoved pbx05/);
  const partly = await pbx(['nodes', 'rm', 'pbx[01,09]'], { cwd: dir });
  t.equal(partly.code, 3, 'a missing node in the list: exit 3 (not found)…');
  t.match(partly.stdout, /removed pbx01/, '…after doing the others');
  t.match(partly.stderr, /pbx09: unknown node "pbx09"[\s\S]*1 of 2 nodes failed/);
  const bad = await pbx(['nodes', 'rm', 'pbx[01-'], { cwd: dir });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /invalid hostlist "pbx\[01-": unclosed "\["/);
  const ls = await pbx(['nodes', 'ls', '--json'], { cwd: dir });
  t.same((JSON.parse(ls.stdout) as { name: string; state: string }[]).filter((n) => n.state === 'removed').map((n) => n.name).sort(), ['pbx01', 'pbx04', 'pbx05'], 'exactly those removed');

  // On a terminal (script(1) gives the CLI a pty) states are coloured; NO_COLOR turns that off.
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const cmd = `${process.execPath} --import ${new URL('node_modules/tsx/dist/loader.mjs', `file://${root}`).href} ${join(root, 'src/cli/run.ts')} nodes ls`;
  const { NO_COLOR: _n, ...env } = process.env;
  const coloured = await execa('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env: { ...env, TERM: 'xterm' }, extendEnv: false, reject: false });
  t.equal(coloured.exitCode, 0, coloured.stderr);
  t.ok(coloured.stdout.includes(esc), 'colours on a terminal');
  t.match(coloured.stdout, /NAME\s+STATE/, 'aligned table on a terminal');
  const plain = await execa('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env: { ...env, TERM: 'xterm', NO_COLOR: '1' }, extendEnv: false, reject: false });
  t.equal(plain.exitCode, 0);
  t.notOk(plain.stdout.includes(esc), 'no colour with NO_COLOR, even on a terminal');
  const status = await pbx(['status'], { cwd: dir });
  t.equal(status.code, 0, status.stderr);
  t.match(status.stdout, /^pbxboot \S+, up \d+s\nstate db: .+\nnodes: 5 \(.*removed 3.*\)\nagents: 0 on 0 active nodes, 0 calls now\nnetboot: /, 'status fits one screen');
  t.ok(status.stdout.split('\n').length <= 24, 'status: at most 24 lines');
});

t.test('every verb\'s --help has an example', async (t) => {
  const program = buildProgram();
  const byPath = (path: string[]) => path.reduce((c, name) => c.commands.find((x) => x.name() === name)!, program);
  for (const info of describeCommands(program)) {
    const cmd = byPath(info.path);
    let text = '';
    cmd.configureOutput({ writeOut: (s) => void (text += s) });
    cmd.outputHelp();
    t.match(text, /Examples?:\n[\s\S]*pbxboot /, `pbxboot ${info.path.join(' ')} --help`);
  }
});

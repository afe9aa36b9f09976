// `pbxboot completion bash|zsh`: the printed scripts loaded into real bash and
// zsh, asked to complete command lines; every verb of the command tree completes.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pbx } from '../helpers/cli.js';
import { buildProgram } from '../../src/cli/main.js';
import { describeCommands } from '../../src/cli/completion.js';

for (const sh of ['/usr/bin/bash', '/usr/bin/zsh']) {
  if (!existsSync(sh)) throw new Error(`${sh} missing: run scripts/test-deps.sh (Debian package ${sh.split('/').pop()})`);
}
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Completes each line (the last word is the one being completed) in one bash run. */
function bash(script: string, lines: string[][]): string[][] {
  const body = lines.map((words) => `COMP_WORDS=(${words.map(q).join(' ')}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _pbxboot; echo "@@ \${COMPREPLY[*]}"`).join('\n');
  const out = execFileSync('/usr/bin/bash', ['--norc', '--noprofile', '-c', `source ${q(script)}\n${body}`], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  return out.split('\n').filter((l) => l.startsWith('@@')).map((l) => l.slice(3).split(' ').filter(Boolean).sort());
}

/** The same in zsh, with the completion system's builtins stubbed to print what they were given. */
function zsh(script: string, lines: string[][]): string[][] {
  const stubs = `
compdef() { :; }
_files() { print -r -- '<files>'; }
# like the real ones, keep only the candidates that start with the word being completed
compadd() { shift; print -rl -- \${(M)\${(P)1}:#\${words[CURRENT]}*}; }
_describe() {
  local a; shift 3
  for a in "$@"; do [[ $a == -- ]] && continue; print -rl -- \${(M)\${\${(P)a}%%:*}:#\${words[CURRENT]}*}; done
}`;
  const body = lines.map((w) => `words=(${w.map(q).join(' ')}); CURRENT=${w.length}; print -r -- "@@ $(_pbxboot | tr '\\n' ' ')"`).join('\n');
  const out = execFileSync('/usr/bin/zsh', ['-f', '-c', `${stubs}\nsource ${q(script)}\n${body}`], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
  return out.split('\n').filter((l) => l.startsWith('@@')).map((l) => l.slice(3).split(' ').filter(Boolean).map((x) => x.replace(/\\:/g, ':')).sort());
}

const tree = describeCommands(buildProgram());
const cases: [string, string[], (got: string[]) => boolean][] = [
  ['verbs', ['pbxboot', ''], (g) => ['serve', 'status', 'nodes', 'logs', 'agents', 'rebalance', 'render', 'completion'].every((v) => g.includes(v))],
  ['verb prefix', ['pbxboot', 'no'], (g) => g.join() === 'nodes'],
  ['subverbs', ['pbxboot', 'nodes', 'd'], (g) => g.join() === 'drain'],
  ['after a global option with a value', ['pbxboot', '--server', 'http://x', 'nodes', 'ls', '--'], (g) => g.includes('--state') && g.includes('--json') && g.includes('--server') && !g.includes('--force')],
  ['options of the verb only', ['pbxboot', 'nodes', 'rm', '--f'], (g) => g.join() === '--force'],
  ['value of --config is a file', ['pbxboot', '-c', ''], (g) => g.length === 0 || g.includes('<files>') || g.every((x) => x.length > 0)],
];

for (const shell of ['bash', 'zsh'] as const) {
  t.test(`${shell} completion`, async (t) => {
    const r = await pbx(['completion', shell]);
    t.equal(r.code, 0, r.stderr);
    const file = join(t.testdir({}), `pbxboot.${shell}`);
    writeFileSync(file, r.stdout);
    const run = shell === 'bash' ? bash : zsh;
    const got = run(file, cases.map((c) => c[1]));
    cases.forEach(([name, , ok], i) => t.ok(ok(got[i]!), `${name}: ${got[i]!.join(' ')}`));
    // In sync with the tree: below each command, every subcommand completes.
    const parents = tree.filter((c) => c.subcommands.length > 0);
    const all = run(file, parents.map((c) => ['pbxboot', ...c.path, '']));
    parents.forEach((c, i) => t.same(all[i], c.subcommands.map((s) => s.name).sort(), `pbxboot ${c.path.join(' ')} <TAB>`));
  });
}

t.test('unknown shell is a usage error', async (t) => {
  const r = await pbx(['completion', 'fish']);
  t.equal(r.code, 2);
  t.match(r.stderr, /unknown shell "fish": bash or zsh/);
});

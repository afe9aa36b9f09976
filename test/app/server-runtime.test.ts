// A server process runs its young-generation GCs on the main thread alone (app.ts tuneServerRuntime, set by
// startApp): V8's parallel scavenge spends helper-thread CPU that a small machine's packet loop and clients need.
// Measured as the process sees it: the CPU of every thread but the main one while it allocates and keeps a ring of
// survivors, with and without a started app.
import t from 'tap';
import { execa } from 'execa';
import { fileURLToPath } from 'node:url';
import { freePort } from '../helpers/free-port.js';

const src = (p: string) => JSON.stringify(fileURLToPath(new URL(`../../src/${p}`, import.meta.url)));
const script = (withApp: { dataDir: string; port: number } | null) => `
const { readdirSync, readFileSync } = await import('node:fs');
let app = null;
${withApp ? `const { startApp } = await import(${src('app.ts')});
const { validateConfig } = await import(${src('config/load.ts')});
app = await startApp(validateConfig({ dataDir: ${JSON.stringify(withApp.dataDir)}, http: { port: ${withApp.port} }, logLevel: 'error' }, 'test'));` : ''}
const ns = () => new Map(readdirSync('/proc/self/task').map((t) => [t, Number(readFileSync('/proc/self/task/' + t + '/schedstat', 'utf8').split(' ')[0])]));
const before = ns();
const ring = new Array(20000);
for (let i = 0; i < 2e6; i++) ring[i % 20000] = { a: i, b: [i], c: 'x' + i };
let helpers = 0;
for (const [tid, v] of ns()) if (before.has(tid) && tid !== String(process.pid)) helpers += v - before.get(tid);
console.log(Math.round(helpers / 1e6));
await app?.close();
process.exit(0);
`;
// Both children keep major GCs off the helper threads: the ring's promoted garbage can start a concurrent marking in
// either one (an app's start leaves a larger old generation), and its helper CPU is not the scavenges measured here.
const v8Flags = ['--no-concurrent-marking', '--no-concurrent-sweeping'];
const helperMs = async (withApp: { dataDir: string; port: number } | null): Promise<number> => {
  const r = await execa(process.execPath, [...v8Flags, '--import', 'tsx', '--input-type=module', '-e', script(withApp)], { reject: false });
  if (r.exitCode !== 0) throw new Error(`child failed (${r.exitCode}): ${r.stderr.slice(-1500)}`);
  return Number(r.stdout.trim().split('\n').pop());
};

t.test('a started app scavenges on its main thread: its GC helper threads stay nearly idle', async (t) => {
  const plain = await helperMs(null);
  const served = await helperMs({ dataDir: t.testdir({}), port: await freePort() });
  t.ok(plain >= 40, `V8's default uses its helper threads here (${plain} ms of their CPU)`);
  t.ok(served * 4 < plain, `with startApp: ${served} ms of helper CPU against ${plain} ms`);
});

// A node whose daemon cannot reach ARI for the grace period is reported failed (controller.nodeFailed re-homes its agents).
import t from 'tap';
import net from 'node:net';
import { node, recordingSupervisor, until } from './helpers.js';
import type { SupervisorOptions } from '../../src/supervisor/supervisor.js';

t.test('no ARI for graceMs → onFailed once, with the reason; stop ends the daemon', async (t) => {
  // A port with nothing listening: connection refused on every try.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const { sup, rec } = recordingSupervisor({ graceMs: 1500, startupAllowanceMs: 0, credentials: async () => ({ url: `http://127.0.0.1:${port}`, user: 'u', password: 'pw' }) });
  t.teardown(() => sup.close());
  const started = Date.now();
  sup.watch(node('n9'), ['1']);
  await until('failed', () => rec.failed.length > 0, 10_000);
  t.ok(Date.now() - started >= 1400, 'not before the grace period');
  t.match(rec.failed, [{ node: 'n9', reason: /ARI not connected for 2 s|ARI not connected for 1 s/ }]);
  t.same(rec.connected, []);
  t.ok(rec.events.some((e) => e.stage === 'ari.failed'));
  await new Promise((r) => setTimeout(r, 500));
  t.equal(rec.failed.length, 1, 'reported once');
  const pid = sup.pid('n9');
  await sup.stop('n9');
  t.equal(sup.pid('n9'), undefined);
  if (pid) t.throws(() => process.kill(pid, 0), 'daemon process is gone');
});

t.test('credentials that cannot be read: restart with backoff, still failed after grace', async (t) => {
  const { sup, rec } = recordingSupervisor({ graceMs: 600, startupAllowanceMs: 0, credentials: async () => Promise.reject(new Error('no secret for node')) });
  t.teardown(() => sup.close());
  sup.watch(node('n8'), []);
  await until('failed', () => rec.failed.length > 0, 5000);
  const restarts = rec.events.filter((e) => e.stage === 'ari.restart').map((e) => e.detail?.delayMs as number);
  t.ok(restarts.length >= 2, 'retried');
  t.ok(restarts[1]! > restarts[0]! * 1.2, 'exponential');
});

t.test('before the first connection the grace period also allows for the daemon starting', async (t) => {
  // Nothing listens on this port: the daemon can never connect.
  const { sup, rec } = recordingSupervisor({ graceMs: 300, startupAllowanceMs: 1500, credentials: async () => ({ url: 'http://127.0.0.1:9', user: 'u', password: 'pw' }) });
  t.teardown(() => sup.close());
  const t0 = Date.now();
  sup.watch({ id: 'n3', name: 'n3', state: 'ready' } as never, []);
  while (rec.failed.length === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
  t.equal(rec.failed.length, 1);
  t.ok(Date.now() - t0 >= 1800, `failed only after grace + start-up allowance (${Date.now() - t0} ms)`);
});

// A daemon that cannot be started (ENOENT: a missing binary, or a working directory removed under the server) is a
// failed run like a crash: logged with the spawn error and retried. Before, the supervisor wrote its start message
// to the IPC channel of a process that never ran: an uncaught EPIPE ended the server.
const unstartable: [string, Partial<SupervisorOptions>][] = [
  ['a missing daemon binary', { daemonArgv: ['/nonexistent/pbxboot-ari-daemon'] }],
  ['a working directory that is gone', { cwd: '/nonexistent/pbxboot-data' }],
];
for (const [what, o] of unstartable) {
  t.test(`${what}: the spawn error is logged and retried, nothing crashes`, async (t) => {
    const { sup, rec } = recordingSupervisor({ ...o, credentials: async () => ({ url: 'http://127.0.0.1:9', user: 'u', password: 'pw' }) });
    t.teardown(() => sup.close());
    sup.watch(node('n7'), ['1']);
    await until('two restarts', () => rec.events.filter((e) => e.stage === 'ari.restart').length >= 2, 10_000);
    t.match(rec.events.find((e) => e.stage === 'ari.restart'), { level: 'warn', detail: { spawnError: 'ENOENT', attempt: 1 } });
    t.match(rec.events.find((e) => e.stage === 'ari.error'), { detail: { where: 'spawn', error: /ENOENT/ } });
    t.notOk(rec.events.some((e) => e.stage === 'ari.spawn'), 'no ari.spawn for a process that never ran');
    await sup.stop('n7');
    t.ok(rec.events.some((e) => e.stage === 'ari.stopped'));
  });
}

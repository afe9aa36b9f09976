// A real ARI daemon process under the supervisor, against the test ARI server: busy/idle for calls, late endpoints, reload, redaction.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { TestAriServer } from '../ari-server/server.js';
import { node, recordingSupervisor, until } from './helpers.js';

const password = 'S3cr&t:p/w';

t.test('daemon reports busy then idle for a call, loads late endpoints, reloads res_pjsip, never logs the password', async (t) => {
  const server = new TestAriServer({ user: 'pbxboot', password });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '1001');
  server.addEndpoint('PJSIP', '1002', { loaded: false }); // inserted into the PBX DB after boot
  server.addEndpoint('PJSIP', '1003');
  server.addEndpoint('PJSIP', '1004'); // never an agent of this node
  await server.listen();
  const counts: number[] = [];
  const { sup, rec } = recordingSupervisor({ channelPollMs: 200, onChannels: (_n, c) => counts.push(c), credentials: async () => ({ url: server.url, user: 'pbxboot', password }) });
  t.teardown(() => sup.close());
  sup.watch(node('n1'), ['1001', '1002', '1999']); // 1999: no such endpoint anywhere
  await until('connected', () => rec.connected.length === 1);
  t.same(server.subscriptions('pbxboot').sort(), ['deviceState:PJSIP/1001', 'deviceState:PJSIP/1002', 'endpoint:PJSIP/1001', 'endpoint:PJSIP/1002']);
  t.ok(server.pbx.endpoints.has('PJSIP/1002'), 'config/dynamic made the late endpoint visible');
  t.ok(rec.events.some((e) => e.level === 'warn' && /cannot subscribe to PJSIP\/1999/.test(String(e.detail?.msg))), 'an unknown endpoint is reported, the others still subscribed');
  t.same(rec.states.filter((s) => s.busy), [], 'resync: nobody busy');
  const cmdline = readFileSync(`/proc/${sup.pid('n1')}/cmdline`, 'utf8');
  t.match(cmdline, /daemon\.ts\0--node\0n1/);
  t.notOk(cmdline.includes(password), 'credentials travel over IPC, not argv');

  server.startCall('PJSIP/1002', 400);
  server.startCall('PJSIP/1003', 400); // not this daemon's agent
  await until('1002 busy', () => rec.states.some((s) => s.agent === '1002' && s.busy));
  await until('channel count', () => sup.channels('n1') >= 1);
  await until('1002 idle', () => rec.states.at(-1)?.agent === '1002' && rec.states.at(-1)?.busy === false);
  t.notOk(rec.states.some((s) => s.agent === '1003'), 'other endpoints are not reported');
  await until('channels 0', () => sup.channels('n1') === 0);

  // Agents change: the new one is subscribed, the old one dropped.
  sup.watch(node('n1'), ['1001', '1003']);
  await until('resubscribed', () => server.subscriptions('pbxboot').includes('endpoint:PJSIP/1003'));
  await until('1002 unsubscribed', () => !server.subscriptions('pbxboot').includes('endpoint:PJSIP/1002'));

  // A call on an endpoint the daemon is not subscribed to raises no event: the poll of GET /channels still counts it (drain waits for 0).
  const other = server.startCall('PJSIP/1004', 0);
  await until('polled count 1', () => sup.channels('n1') === 1);
  server.hangup(other);
  await until('polled count 0', () => sup.channels('n1') === 0);
  t.same(counts.slice(-2), [1, 0], 'onChannels reports changes');

  await sup.reloadPjsip('n1');
  t.same(server.reloads, ['res_pjsip.so']);

  const all = JSON.stringify(rec.events);
  t.match(all, /api_key=\*\*\*/, 'the WebSocket URL was logged, redacted');
  for (const form of [password, encodeURIComponent(password), Buffer.from(`pbxboot:${password}`).toString('base64')]) t.notOk(all.includes(form), `no ${form} in the logs`);
  t.equal(server.hangupsRequested, 0, 'nothing hung up a call');
  await sup.stop('n1');
  t.ok(rec.events.some((e) => e.stage === 'ari.stopped'));
  await until('app gone', () => server.connectedApps().length === 0, 5000);
});

// Recovery: a SIGKILLed daemon is restarted and resyncs a call still in progress; an ARI outage outlasting ari-client's retries is survived.
import t from 'tap';
import { TestAriServer } from '../ari-server/server.js';
import { node, recordingSupervisor, until } from './helpers.js';

t.test('daemon killed with SIGKILL: restarted with backoff, re-reports the call still up', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw1' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '2001');
  await server.listen();
  const { sup, rec } = recordingSupervisor({ credentials: async () => ({ url: server.url, user: 'u', password: 'pw1' }) });
  t.teardown(() => sup.close());
  sup.watch(node('n1'), ['2001']);
  await until('connected', () => rec.connected.length === 1);
  server.startCall('PJSIP/2001', 0); // until hung up below
  await until('busy', () => rec.states.some((s) => s.busy));
  const pid = sup.pid('n1');
  t.ok(pid, 'daemon running');
  process.kill(pid!, 'SIGKILL');
  await until('restart event', () => rec.events.some((e) => e.stage === 'ari.restart'));
  const restart = rec.events.find((e) => e.stage === 'ari.restart')!;
  t.match(restart.detail, { signal: 'SIGKILL', attempt: 1 });
  const before = rec.states.length;
  await until('reconnected', () => rec.connected.length === 2);
  t.not(sup.pid('n1'), pid, 'a new process');
  t.same(rec.states.slice(before), [{ node: 'n1', agent: '2001', busy: true }], 'the new daemon re-reported the live call from GET /channels + /endpoints');
  t.equal(sup.channels('n1'), 1);
  for (const id of server.pbx.channels.keys()) server.hangup(id);
  await until('idle', () => rec.states.at(-1)?.busy === false);
  t.equal(server.hangupsRequested, 0, 'pbxboot hung up nothing');
});

t.test('ARI down (socket drop, then 503) past ari-client give-up: the daemon re-creates the client, re-subscribes and resyncs', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw2' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '3001');
  await server.listen();
  const { sup, rec } = recordingSupervisor({ credentials: async () => ({ url: server.url, user: 'u', password: 'pw2' }) });
  t.teardown(() => sup.close());
  sup.watch(node('n1'), ['3001']);
  await until('connected', () => rec.connected.length === 1);
  const pid = sup.pid('n1');
  // ari-client here retries 3 times (20, 40, 50 ms) — far less than the 1.5 s outage.
  server.restart(1.5);
  t.same(server.subscriptions('pbxboot'), [], 'the node forgot the subscriptions');
  await until('gave up', () => rec.events.some((e) => e.stage === 'ari.disconnected' && /gave up/.test(String(e.detail?.reason))));
  // A call that starts and is still up while ARI is away: only a resync can tell.
  server.startCall('PJSIP/3001', 0);
  await until('reconnected', () => rec.connected.length === 2, 20_000);
  t.equal(sup.pid('n1'), pid, 'same daemon process: the client was re-created inside it');
  t.same(server.subscriptions('pbxboot').sort(), ['deviceState:PJSIP/3001', 'endpoint:PJSIP/3001'], 're-subscribed');
  await until('busy after resync', () => rec.states.at(-1)?.busy === true);
  t.ok(rec.events.some((e) => e.stage === 'ari.log' && /re-creating the ARI client/.test(String(e.detail?.msg))), 'backoff logged');
  t.notOk(rec.events.some((e) => e.stage === 'ari.restart'), 'no process restart was needed');
  t.same(rec.failed, [], 'within the grace period: not failed');
});

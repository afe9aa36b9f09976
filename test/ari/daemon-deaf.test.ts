// The daemon never sits connected but deaf: WebSocket back before REST, subscriptions refused by a flapping node, its Stasis app taken by another WebSocket.
import t from 'tap';
import { TestAriServer } from '../ari-server/server.js';
import { node, recordingSupervisor, until } from './helpers.js';

t.test('REST 503 right after ari-client reconnects: subscribe/resync is retried until it works, then connected', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw5' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '5001');
  await server.listen();
  const { sup, rec } = recordingSupervisor({
    credentials: async () => ({ url: server.url, user: 'u', password: 'pw5' }),
    // ari-client's own retries outlast the WebSocket outage: it reconnects by itself (no client re-creation, no preflight).
    ariRetry: { delay: 50, maxDelay: 100, maxRetries: 40 },
  });
  t.teardown(() => sup.close());
  sup.watch(node('n1'), ['5001']);
  await until('connected', () => rec.connected.length === 1);
  server.restart(0.2);
  server.restDown(1.5);
  server.startCall('PJSIP/5001', 0); // begins in the gap: only a resync can tell
  await until('WebSocket back', () => server.connectedApps().includes('pbxboot'), 5000);
  t.same(server.subscriptions('pbxboot'), [], 'the node forgot the subscriptions and REST still refuses');
  await until('connected again', () => rec.connected.length === 2, 10_000);
  t.same(server.subscriptions('pbxboot').sort(), ['deviceState:PJSIP/5001', 'endpoint:PJSIP/5001'], 're-subscribed once REST answered');
  await until('busy after resync', () => rec.states.at(-1)?.busy === true);
  t.same(rec.failed, []);
});

t.test('REST refuses only the subscriptions, then answers: the refused ones are retried, never left deaf', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw6' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '6001');
  await server.listen();
  const { sup, rec } = recordingSupervisor({
    credentials: async () => ({ url: server.url, user: 'u', password: 'pw6' }),
    ariRetry: { delay: 50, maxDelay: 100, maxRetries: 40 },
  });
  t.teardown(() => sup.close());
  sup.watch(node('n1'), ['6001', '6999']); // 6999: no such endpoint, its refusal is final
  await until('connected', () => rec.connected.length === 1);
  server.restart(0.2);
  // After the WebSocket is back: endpoint list, config/dynamic ×2, batch subscribe, then the two single subscribes fail.
  server.failNextRest(6);
  await until('connected again', () => rec.connected.length === 2, 10_000);
  t.same(server.subscriptions('pbxboot').sort(), ['deviceState:PJSIP/6001', 'endpoint:PJSIP/6001'], 'connected means subscribed');
  t.ok(rec.events.some((e) => /cannot subscribe to PJSIP\/6999/.test(String(e.detail?.msg))), 'the unknown endpoint is reported');
  t.notOk(rec.events.some((e) => /cannot subscribe to PJSIP\/6001/.test(String(e.detail?.msg))), 'a 503 is not mistaken for an unknown endpoint');
});

t.test('another WebSocket takes the Stasis app: the daemon reports itself disconnected instead of staying deaf', async (t) => {
  const server = new TestAriServer({ user: 'u', password: 'pw7' });
  t.teardown(() => server.close());
  server.addEndpoint('PJSIP', '7001');
  await server.listen();
  const { sup, rec } = recordingSupervisor({ credentials: async () => ({ url: server.url, user: 'u', password: 'pw7' }) });
  t.teardown(() => sup.close());
  sup.watch(node('n1'), ['7001']);
  await until('connected', () => rec.connected.length === 1);
  const { default: WebSocket } = await import('ws');
  const intruder = new WebSocket(`ws://127.0.0.1:${server.port}/ari/events?app=pbxboot&api_key=u:pw7`);
  t.teardown(() => intruder.close());
  await until('reported', () => rec.events.some((e) => e.stage === 'ari.disconnected' && /took over Stasis app pbxboot/.test(String(e.detail?.reason))), 5000);
  t.ok(rec.events.some((e) => e.stage === 'ari.log' && e.level === 'error'), 'logged as an error');
  t.notOk(sup.isConnected('n1'));
});

// An agent watched by two nodes (a deferred move): "idle" from the node without the call must not clear the busy flag.
import t from 'tap';
import { TestAriServer } from '../ari-server/server.js';
import { node, recordingSupervisor, until } from './helpers.js';

t.test('busy claims are per node; stop releases them', async (t) => {
  const servers = new Map<string, TestAriServer>();
  for (const id of ['n1', 'n2']) {
    const s = new TestAriServer({ user: 'u', password: 'pw' });
    s.addEndpoint('PJSIP', '5001');
    s.addEndpoint('PJSIP', '5002');
    await s.listen();
    t.teardown(() => s.close());
    servers.set(id, s);
  }
  const { sup, rec } = recordingSupervisor({ credentials: async (id) => ({ url: servers.get(id)!.url, user: 'u', password: 'pw' }) });
  t.teardown(() => sup.close());
  const call = servers.get('n1')!.startCall('PJSIP/5001', 0);
  sup.watch(node('n1'), ['5001', '5002']);
  await until('n1 busy', () => rec.states.some((s) => s.node === 'n1' && s.busy));
  // The agent's move to n2 is deferred: both daemons watch it; n2's resync sees no call.
  sup.watch(node('n2'), ['5001']);
  await until('n2 connected', () => rec.connected.includes('n2'));
  await new Promise((r) => setTimeout(r, 200));
  t.same(rec.states, [{ node: 'n1', agent: '5001', busy: true }], "n2's idle for 5001 is not forwarded; nor is anyone's initial idle");
  servers.get('n1')!.hangup(call);
  await until('idle from n1', () => rec.states.length === 2);
  t.same(rec.states[1], { node: 'n1', agent: '5001', busy: false });
  // A node stopped while an agent is busy there (failed node) releases the claim.
  servers.get('n1')!.startCall('PJSIP/5002', 0);
  await until('5002 busy', () => rec.states.some((s) => s.agent === '5002' && s.busy));
  await sup.stop('n1');
  t.same(rec.states.at(-1), { node: 'n1', agent: '5002', busy: false });
});

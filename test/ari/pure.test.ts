// Pure ARI helpers: agent busy/idle from events (named cases), capped backoff, redaction, IPC message guards.
import t from 'tap';
import { AgentStates, extensionOfChannel } from '../../src/ari/agent-state.js';
import { backoffDelay } from '../../src/ari/backoff.js';
import { redact, redactValue } from '../../src/ari/redact.js';
import { isFromDaemon, isToDaemon } from '../../src/supervisor/messages.js';

const ch = (id: string, name: string) => ({ id, name });
const ep = (resource: string, ids: string[], technology = 'PJSIP') => ({ technology, resource, channel_ids: ids });

t.test('extensionOfChannel', async (t) => {
  t.equal(extensionOfChannel('PJSIP/1001-0000000a'), '1001');
  t.equal(extensionOfChannel('PJSIP/alice-smith-00000001'), 'alice-smith');
  t.equal(extensionOfChannel('Local/100@default-00000001;1'), null);
  t.equal(extensionOfChannel('SIP/1001-00000001'), null);
});

t.test('agent state cases', async (t) => {
  const cases: { name: string; run(s: AgentStates): unknown; want: unknown }[] = [
    { name: 'channel created → busy', run: (s) => s.onEvent({ type: 'ChannelCreated', channel: ch('c1', 'PJSIP/1001-00000001') }), want: [{ agent: 'a1', busy: true }] },
    {
      name: 'second channel on a busy agent → no change',
      run: (s) => (s.onEvent({ type: 'ChannelCreated', channel: ch('c1', 'PJSIP/1001-00000001') }), s.onEvent({ type: 'ChannelCreated', channel: ch('c2', 'PJSIP/1001-00000002') })),
      want: [],
    },
    {
      name: 'one of two channels destroyed → still busy',
      run: (s) => (s.onEvent({ type: 'ChannelCreated', channel: ch('c1', 'PJSIP/1001-00000001') }), s.onEvent({ type: 'ChannelCreated', channel: ch('c2', 'PJSIP/1001-00000002') }), s.onEvent({ type: 'ChannelDestroyed', channel: ch('c1', 'PJSIP/1001-00000001') })),
      want: [],
    },
    {
      name: 'last channel destroyed → idle',
      run: (s) => (s.onEvent({ type: 'ChannelCreated', channel: ch('c1', 'PJSIP/1001-00000001') }), s.onEvent({ type: 'ChannelDestroyed', channel: ch('c1', 'PJSIP/1001-00000001') })),
      want: [{ agent: 'a1', busy: false }],
    },
    { name: 'endpoint snapshot with channels → busy', run: (s) => s.onEvent({ type: 'EndpointStateChange', endpoint: ep('1002', ['x']) }), want: [{ agent: 'a2', busy: true }] },
    {
      name: 'endpoint snapshot empty clears a missed destroy',
      run: (s) => (s.onEvent({ type: 'ChannelCreated', channel: ch('c1', 'PJSIP/1001-00000001') }), s.onEvent({ type: 'EndpointStateChange', endpoint: ep('1001', []) })),
      want: [{ agent: 'a1', busy: false }],
    },
    { name: 'unwatched endpoint → nothing', run: (s) => s.onEvent({ type: 'ChannelCreated', channel: ch('c9', 'PJSIP/9999-00000001') }), want: [] },
    { name: 'other technology → nothing', run: (s) => s.onEvent({ type: 'EndpointStateChange', endpoint: ep('1001', ['x'], 'IAX2') }), want: [] },
    {
      name: 'resync reports every agent from GET /channels and GET /endpoints',
      run: (s) => s.resync([ch('c5', 'PJSIP/1002-00000005')], [ep('1001', []), ep('1002', ['c5'])]),
      want: [{ agent: 'a1', busy: false }, { agent: 'a2', busy: true }],
    },
    {
      name: 'removed agents are forgotten',
      run: (s) => (s.onEvent({ type: 'ChannelCreated', channel: ch('c1', 'PJSIP/1001-00000001') }), s.setAgents([{ id: 'a2', extension: '1002' }]), s.onEvent({ type: 'ChannelDestroyed', channel: ch('c1', 'PJSIP/1001-00000001') })),
      want: [],
    },
  ];
  for (const c of cases) {
    const s = new AgentStates([{ id: 'a1', extension: '1001' }, { id: 'a2', extension: '1002' }]);
    t.same(c.run(s), c.want, c.name);
  }
  const s = new AgentStates([{ id: 'a1', extension: '1001' }]);
  t.same(s.setAgents([{ id: 'a1', extension: '1001' }, { id: 'a3', extension: '1003' }]), [{ id: 'a3', extension: '1003' }], 'setAgents returns the new ones');
});

t.test('backoff: exponential, capped, jitter injected', async (t) => {
  const p = { initialMs: 100, maxMs: 1000, factor: 2 };
  t.same([1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, p)), [100, 200, 400, 800, 1000, 1000]);
  t.equal(backoffDelay(0, p), 100, 'attempt < 1 counts as 1');
  const j = { ...p, jitter: 1 };
  t.equal(backoffDelay(3, j, () => 0), 0);
  t.equal(backoffDelay(3, j, () => 1), 400);
  t.equal(backoffDelay(3, { ...p, jitter: 0.5 }, () => 0), 200);
});

t.test('redact', async (t) => {
  const pw = 'p@ss:w/rd';
  t.equal(redact(`ws://h/ari/events?app=pbxboot&api_key=u:${encodeURIComponent(pw)}`, [pw]), 'ws://h/ari/events?app=pbxboot&api_key=***');
  t.equal(redact('ws://h/ari/events?api_key=u:other&app=x'), 'ws://h/ari/events?api_key=***&app=x', 'api_key without knowing the secret');
  t.equal(redact(`error: bad password ${pw}`, [pw]), 'error: bad password ***');
  t.equal(redact('authorization: Basic dTpwdw=='), 'authorization: Basic ***');
  t.equal(redact('http://u:pw@host:8088/ari'), 'http://***@host:8088/ari');
  t.same(redactValue({ password: 'x', nested: [`k ${pw}`] }, [pw]), { password: '***', nested: ['k ***'] });
});

t.test('IPC message guards', async (t) => {
  t.ok(isFromDaemon({ type: 'agent', agent: 'a', busy: true }));
  t.notOk(isFromDaemon({ type: 'agent', agent: 'a', busy: 'yes' }));
  t.notOk(isFromDaemon({ type: 'nope' }));
  t.notOk(isFromDaemon(null));
  t.ok(isToDaemon({ type: 'start', nodeId: 'n', url: 'http://x', user: 'u', password: 'p', app: 'pbxboot', agents: [] }));
  t.notOk(isToDaemon({ type: 'start', url: 'http://x' }));
  t.ok(isToDaemon({ type: 'reload-pjsip' }));
});

// Dashboard snapshot (pure): boot timelines keep boot steps, not agent moves.
import t from 'tap';
import { BootTimelines } from '../../src/dashboard/snapshot.js';
import type { BootEvent } from '../../src/events/event.js';

const ev = (stage: string, time: number, node = 'n1'): BootEvent =>
  ({ id: time, time, stage, level: 'info', node, mac: '52:54:00:00:00:01', detail: {} });

t.test('agent moves do not push a boot out of its timeline', async (t) => {
  const tl = new BootTimelines(8, 30);
  for (const [i, s] of ['http.ipxe-script', 'http.bundle', 'agent.ready', 'node.state'].entries()) tl.add(ev(s, i));
  for (let i = 0; i < 50; i++) t.equal(tl.add(ev('agent.moved', 100 + i)), false, 'agent.moved is not a boot step');
  t.equal(tl.add(ev('agent.heartbeat', 200)), false);
  t.same(tl.list()[0]!.steps.map((s) => s.stage), ['http.ipxe-script', 'http.bundle', 'agent.ready', 'node.state']);
});

t.test('newest boot first, at most max boots', async (t) => {
  const tl = new BootTimelines(2, 30);
  tl.add(ev('http.bundle', 1, 'a'));
  tl.add(ev('http.bundle', 2, 'b'));
  tl.add(ev('http.bundle', 3, 'c'));
  t.same(tl.list().map((b) => b.node), ['c', 'b']);
});

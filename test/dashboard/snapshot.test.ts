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

t.test("a boot's DHCP steps (MAC only) and its later steps (node) are one timeline; debug steps are left out", async (t) => {
  const tl = new BootTimelines(8, 30);
  const mac = '52:54:00:00:00:09';
  t.equal(tl.add({ stage: 'dhcp.discover', level: 'debug', mac, time: 1 }), false, 'a debug step is not shown');
  tl.add({ stage: 'dhcp.offer', mac, time: 2 });
  tl.add({ stage: 'dhcp.offer', mac: '52:54:00:00:00:0a', time: 3 });
  tl.add({ stage: 'http.ipxe-script', node: 'n9', mac, time: 4 });
  tl.add({ stage: 'agent.ready', node: 'n9', time: 5 });
  t.same(
    tl.list().map((b) => [b.node, b.mac, b.steps.map((s) => s.stage)]),
    [
      ['n9', mac, ['dhcp.offer', 'http.ipxe-script', 'agent.ready']],
      [null, '52:54:00:00:00:0a', ['dhcp.offer']],
    ],
    'found by its MAC, filed under its node from then on, newest first',
  );
  t.same(tl.list()[0]!.steps.map((s) => s.level), ['info', 'info', 'info'], 'a step without a level is info');
});

// The netboot log's encoding of buffered events: what goes in comes back out, whatever the detail holds.
import t from 'tap';
import { decodeEvents, EventRows } from '../../src/events/event-rows.js';

t.test('events round-trip through their encoded rows, in order, with defaults filled in', async (t) => {
  const rows = new EventRows();
  t.equal(rows.take(), null, 'nothing encoded: no batch');
  rows.push({ time: 1_700_000_000_123, stage: 'dhcp.discover', mac: '52:54:00:12:34:56', node: null, level: 'debug', detail: { xid: 0xdeadbeef, arch: 7, vendorClass: 'PXEClient:Arch:00007', relay: '10.1.0.1', ipxe: false } }, 0);
  rows.push({ stage: 'node.state', node: 'n-1', detail: { to: 'ready', hostname: 'pbx-ünï-☎-😀', quote: '"\\\n' } }, 42);
  rows.push({ stage: 'http.script' }, 43);
  const b = rows.take()!;
  t.equal(b.count, 3);
  t.same(decodeEvents(b, 10), [
    { id: 10, time: 1_700_000_000_123, mac: '52:54:00:12:34:56', node: null, stage: 'dhcp.discover', level: 'debug', detail: { xid: 0xdeadbeef, arch: 7, vendorClass: 'PXEClient:Arch:00007', relay: '10.1.0.1', ipxe: false } },
    { id: 11, time: 42, mac: null, node: 'n-1', stage: 'node.state', level: 'info', detail: { to: 'ready', hostname: 'pbx-ünï-☎-😀', quote: '"\\\n' } },
    { id: 12, time: 43, mac: null, node: null, stage: 'http.script', level: 'info', detail: {} },
  ]);
  t.same(decodeEvents(b).map((e) => e.id), [0, 0, 0], 'no ids before they are written');
  t.equal(rows.take(), null, 'take empties it');
  rows.push({ stage: 'after' }, 1);
  t.same(decodeEvents(rows.take()!).map((e) => e.stage), ['after'], 'and it starts over');
});

t.test('a detail JSON cannot hold is replaced by why, and the step is still logged', async (t) => {
  const rows = new EventRows();
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  t.doesNotThrow(() => rows.push({ stage: 'x.cycle', detail: cyclic }, 1));
  t.doesNotThrow(() => rows.push({ stage: 'x.bigint', detail: { n: 10n } }, 2));
  const evs = decodeEvents(rows.take()!);
  t.same(evs.map((e) => e.stage), ['x.cycle', 'x.bigint']);
  t.match(evs[0]!.detail, { unserializable: /circular/i });
  t.match(evs[1]!.detail, { unserializable: /BigInt/ });
});

t.test('the buffer grows past its first size for large batches and large details', async (t) => {
  const rows = new EventRows(1024);
  const big = 'x'.repeat(5000);
  for (let i = 0; i < 2000; i++) rows.push({ stage: 's', mac: null, detail: { i, pad: i % 500 === 0 ? big : 'é' } }, i);
  const b = rows.take()!;
  t.equal(b.count, 2000);
  const evs = decodeEvents(b, 1);
  t.same(evs.map((e) => e.detail.i), Array.from({ length: 2000 }, (_, i) => i), 'every event, in order');
  t.equal(evs[500]!.detail.pad, big);
  t.equal(b.json.buffer.byteLength, b.json.length, 'the batch owns exactly its bytes (a transfer to a thread copies the whole backing store)');
  rows.push({ stage: 'small' }, 1);
  t.same(decodeEvents(rows.take()!).map((e) => e.stage), ['small']);
});

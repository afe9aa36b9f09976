// TFTP/HTTP steps get the MAC and node learned from DHCP replies.
import t from 'tap';
import { enrichingSink } from '../../src/events/enrich.js';
import type { BootEventInput } from '../../src/events/event.js';

t.test('learns ip → mac from dhcp.ack and fills tftp events', async (t) => {
  const got: BootEventInput[] = [];
  const s = enrichingSink({ emit: (e) => got.push(e) });
  s.emit({ stage: 'tftp.rrq', detail: { ip: '10.0.0.7' } });
  s.emit({ stage: 'dhcp.ack', mac: '52:54:00:00:00:07', node: 'n7', detail: { ip: '10.0.0.7', to: '255.255.255.255:68' } });
  s.emit({ stage: 'tftp.rrq', detail: { ip: '10.0.0.7', file: 'ipxe.efi' } });
  s.emit({ stage: 'dhcp.ack', mac: '52:54:00:00:00:08', detail: { to: '10.0.0.8:68', proxy: true } });
  s.emit({ stage: 'tftp.complete', detail: { ip: '10.0.0.8' } });
  s.emit({ stage: 'tftp.rrq', detail: { ip: '10.0.0.9' } });
  t.same(got.map((e) => [e.stage, e.mac ?? null, e.node ?? null]), [
    ['tftp.rrq', null, null],
    ['dhcp.ack', '52:54:00:00:00:07', 'n7'],
    ['tftp.rrq', '52:54:00:00:00:07', 'n7'],
    ['dhcp.ack', '52:54:00:00:00:08', null],
    ['tftp.complete', '52:54:00:00:00:08', null],
    ['tftp.rrq', null, null],
  ]);
});

t.test('bounded', async (t) => {
  const got: BootEventInput[] = [];
  const s = enrichingSink({ emit: (e) => got.push(e) }, 2);
  for (const i of [1, 2, 3]) s.emit({ stage: 'dhcp.ack', mac: `52:54:00:00:00:0${i}`, detail: { ip: `10.0.0.${i}` } });
  s.emit({ stage: 'tftp.rrq', detail: { ip: '10.0.0.1' } });
  s.emit({ stage: 'tftp.rrq', detail: { ip: '10.0.0.3' } });
  t.same(got.slice(3).map((e) => e.mac ?? null), [null, '52:54:00:00:00:03'], 'oldest entry evicted');
});

t.test('a repeated reply changes nothing; an address that changes hands, or a MAC that gets its node, is learned again', async (t) => {
  const got: BootEventInput[] = [];
  const s = enrichingSink({ emit: (e) => got.push(e) });
  const ack = (mac: string, node: string | null) => s.emit({ stage: 'dhcp.ack', mac, node, detail: { ip: '10.0.0.7' } });
  const rrq = () => (s.emit({ stage: 'tftp.rrq', detail: { ip: '10.0.0.7' } }), [got.at(-1)!.mac, got.at(-1)!.node]);
  ack('52:54:00:00:00:07', null);
  ack('52:54:00:00:00:07', null);
  t.same(rrq(), ['52:54:00:00:00:07', null]);
  ack('52:54:00:00:00:07', 'n7');
  t.same(rrq(), ['52:54:00:00:00:07', 'n7'], 'the node enrolled meanwhile');
  ack('52:54:00:00:00:08', null);
  t.same(rrq(), ['52:54:00:00:00:08', null], 'the address went to another client');
});

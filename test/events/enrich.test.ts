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

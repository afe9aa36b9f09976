// A sink decorator that puts the MAC and node on TFTP and HTTP steps, which only
// know the client's IP: the IP → MAC map is learned from DHCP replies, so a
// node's timeline (`pbxboot logs --node`) shows its TFTP transfer too.
import type { BootEventInput, EventSink } from './event.js';

export function enrichingSink(inner: EventSink, maxEntries = 100_000): EventSink {
  const byIp = new Map<string, { mac: string; node: string | null }>();
  const learn = (ip: string, mac: string, node: string | null) => {
    const known = byIp.get(ip);
    // Most replies repeat what is known (every OFFER and ACK of a renewing client): no new entry, which would live
    // for seconds and be old-generation garbage at a boot storm's rate.
    if (known && known.mac === mac && known.node === node) return;
    if (byIp.size >= maxEntries && !known) byIp.delete(byIp.keys().next().value!);
    byIp.set(ip, { mac, node });
  };
  return {
    emit(ev: BootEventInput) {
      const d = ev.detail ?? {};
      if (ev.mac && (ev.stage === 'dhcp.ack' || ev.stage === 'dhcp.offer')) {
        if (typeof d.ip === 'string') learn(d.ip, ev.mac, ev.node ?? null);
        // proxyDHCP replies on 4011 go unicast to the client's own address
        const to = typeof d.to === 'string' ? /^(\d+\.\d+\.\d+\.\d+):68$/.exec(d.to) : null;
        if (to && to[1] !== '255.255.255.255' && to[1] !== '0.0.0.0') learn(to[1]!, ev.mac, ev.node ?? null);
      }
      if (!ev.mac && typeof d.ip === 'string' && (ev.stage.startsWith('tftp.') || ev.stage.startsWith('http.'))) {
        const known = byIp.get(d.ip);
        if (known) ev = { ...ev, mac: known.mac, node: ev.node ?? known.node };
      }
      inner.emit(ev);
    },
  };
}

// The boot bench's wire timing (test/helpers/wire-timing.ts) on tcpdump -v text
// in the format tcpdump 4.99 prints: HTTP with keep-alive (retransmissions ignored),
// DHCP by xid, TFTP.
import t from 'tap';
import { parseTcpdump, serverShare } from '../helpers/wire-timing.js';

const S = '10.9.0.1';
const C = '10.9.0.100';
const pkt = (t: number, src: string, dst: string, rest: string, payload: string[] = []) =>
  [`${t.toFixed(6)} IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 99)`, `    ${src} > ${dst}: ${rest}`, ...payload.map((l) => `\t${l}`)].join('\n');

const text = [
  pkt(1000.0, `${C}.68`, '255.255.255.255.67', '[udp sum ok] BOOTP/DHCP, Request from 52:54:00:12:34:56, length 300, xid 0xabc, Flags [none]', ['  DHCP-Message (53), length 1: Discover']),
  pkt(1000.004, `${S}.67`, '255.255.255.255.68', '[udp sum ok] BOOTP/DHCP, Reply, length 300, xid 0xabc, Flags [none]', ['  DHCP-Message (53), length 1: Offer']),
  pkt(1001.0, `${C}.68`, '255.255.255.255.67', '[udp sum ok] BOOTP/DHCP, Request from 52:54:00:12:34:56, length 300, xid 0xabc, Flags [none]', ['  DHCP-Message (53), length 1: Request']),
  pkt(1001.002, `${S}.67`, '255.255.255.255.68', '[udp sum ok] BOOTP/DHCP, Reply, length 300, xid 0xabc, Flags [none]', ['  DHCP-Message (53), length 1: ACK']),
  pkt(1002.0, `${C}.1234`, `${S}.69`, '[udp sum ok] TFTP, length 40, RRQ "ipxe.efi" octet tsize 0'),
  pkt(1002.003, `${S}.40000`, `${C}.1234`, '[udp sum ok] UDP, length 20'),
  pkt(1003.0, `${C}.5000`, `${S}.8080`, 'Flags [P.], seq 1:90, ack 1, win 64, length 89: HTTP, length: 89', ['GET /boot/ipxe/52:54:00:12:34:56 HTTP/1.1', 'Host: x']),
  pkt(1003.001, `${S}.8080`, `${C}.5000`, 'Flags [.], ack 90, win 64, length 0'),
  pkt(1003.05, `${S}.8080`, `${C}.5000`, 'Flags [P.], seq 1:200, ack 90, win 64, length 199: HTTP, length: 199', ['HTTP/1.1 200 OK', 'Content-Length: 100']),
  pkt(1004.0, `${C}.5000`, `${S}.8080`, 'Flags [P.], seq 90:190, ack 200, win 64, length 100: HTTP, length: 100', ['GET /boot/files/initrd.img HTTP/1.1']),
  pkt(1004.01, `${S}.8080`, `${C}.5000`, 'Flags [.], seq 200:30000, ack 190, win 64, length 29800: HTTP, length: 29800', ['HTTP/1.1 200 OK']),
  pkt(1004.5, `${S}.8080`, `${C}.5000`, 'Flags [P.], seq 30000:60000, ack 190, win 64, length 30000: HTTP'),
  // a retransmission of the tail after the client stopped ACKing: not the end of the response
  pkt(1005.2, `${S}.8080`, `${C}.5000`, 'Flags [P.], seq 30000:60000, ack 190, win 64, length 30000: HTTP'),
  '',
].join('\n');

t.test('HTTP first byte and last byte per request on a keep-alive connection; DHCP by xid; TFTP RRQ', async (t) => {
  const w = parseTcpdump(text, S, 8080);
  t.same(
    w.http.map((h) => [h.path, h.status, h.firstByte! - h.t, h.end! - h.t]),
    [
      ['/boot/ipxe/52:54:00:12:34:56', 200, 50, 50],
      ['/boot/files/initrd.img', 200, 10, 500],
    ],
  );
  t.same(w.udp.map((u) => [u.kind, u.reply! - u.t]), [['discover', 4], ['request', 2], ['rrq', 3]]);
  t.same(serverShare(w, 1_004_100), { httpMs: 60, dhcpMs: 6, tftpMs: 3, totalMs: 69, requests: 5 });
  t.equal(serverShare(w, 1_003_500).httpMs, 50, 'only requests before the cut-off');
});

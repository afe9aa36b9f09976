// Minimal pcap reader: the UDP payloads of IPv4 frames in a tcpdump capture (Ethernet or Linux cooked).
import { readFileSync } from 'node:fs';

export interface UdpDatagram {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload: Buffer;
}

export function readPcapUdp(path: string): UdpDatagram[] {
  const b = readFileSync(path);
  const magic = b.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const linktype = u32(20);
  const out: UdpDatagram[] = [];
  for (let o = 24; o + 16 <= b.length; ) {
    const caplen = u32(o + 8);
    const frame = b.subarray(o + 16, o + 16 + caplen);
    o += 16 + caplen;
    let ipOff: number;
    if (linktype === 1) {
      if (frame.readUInt16BE(12) !== 0x0800) continue;
      ipOff = 14;
    } else if (linktype === 113) {
      if (frame.readUInt16BE(14) !== 0x0800) continue;
      ipOff = 16;
    } else continue;
    const ipHdr = frame.subarray(ipOff);
    if (ipHdr[9] !== 17) continue;
    const ihl = (ipHdr[0]! & 15) * 4;
    const ipStr = (at: number) => `${ipHdr[at]}.${ipHdr[at + 1]}.${ipHdr[at + 2]}.${ipHdr[at + 3]}`;
    const udp = ipHdr.subarray(ihl);
    const len = udp.readUInt16BE(4);
    out.push({ src: ipStr(12), dst: ipStr(16), sport: udp.readUInt16BE(0), dport: udp.readUInt16BE(2), payload: Buffer.from(udp.subarray(8, len)) });
  }
  return out;
}

// One-off: writes SYNTHESIZED fixtures (labelled synth-*) built byte by byte from the specs, not by our encoder:
// a UEFI PXE ROM DISCOVER (PXE 2.1 + RFC 4578), an option-overload packet (RFC 2132 §9.3) and a split long option
// (RFC 3396). Run: node --import tsx test/dhcp/helpers/synth-corpus.ts --write
import { writeFileSync } from 'node:fs';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
// Only with --write: tap may load this file when given the directory, and must not rewrite the corpus.
if (!process.argv.includes('--write')) {
  console.log('not writing fixtures (pass --write)');
  process.exit(0);
}

function header(xid: number, mac: number[], flags = 0x8000): Buffer {
  const b = Buffer.alloc(240);
  b[0] = 1; b[1] = 1; b[2] = 6; b[3] = 0;
  b.writeUInt32BE(xid, 4);
  b.writeUInt16BE(4, 8); // secs
  b.writeUInt16BE(flags, 10);
  Buffer.from(mac).copy(b, 28);
  b.writeUInt32BE(0x63825363, 236);
  return b;
}
const opt = (code: number, bytes: number[] | Buffer) => Buffer.from([code, bytes.length, ...bytes]);
const ascii = (s: string) => [...Buffer.from(s, 'latin1')];

// UEFI x64 PXE ROM DISCOVER (what OVMF's PXE sends; see FIELD-NOTES "Real PXE clients").
{
  const uuid = [0, 0x8a, 0x3b, 0x6f, 0x2e, 0x11, 0x22, 0x4d, 0x33, 0x80, 0x44, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56];
  const parts = [
    header(0x1c2d3e4f, [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]),
    opt(53, [1]),
    opt(57, [0x05, 0xc0]),
    opt(55, [1, 2, 3, 4, 5, 6, 12, 13, 15, 17, 18, 22, 23, 28, 40, 41, 42, 43, 50, 51, 54, 58, 59, 60, 66, 67, 97, 128, 129, 130, 131, 132, 133, 134, 135]),
    opt(97, uuid),
    opt(94, [1, 3, 0]),
    opt(93, [0, 7]),
    opt(60, ascii('PXEClient:Arch:00007:UNDI:003000')),
    Buffer.from([255]),
  ];
  const b = Buffer.concat(parts);
  writeFileSync(`${fixtures}synth-pxe-uefi-discover.bin`, Buffer.concat([b, Buffer.alloc(Math.max(0, 548 - b.length))]));
}
// A BIOS iPXE DISCOVER with user class "iPXE" and option 175 (iPXE's feature flags).
{
  const b = Buffer.concat([
    header(0x0badcafe, [0x52, 0x54, 0x00, 0x12, 0x34, 0x57], 0),
    opt(53, [1]),
    opt(57, [0x05, 0xdc]),
    opt(93, [0, 0]),
    opt(94, [1, 2, 1]),
    opt(60, ascii('PXEClient:Arch:00000:UNDI:002001')),
    opt(77, ascii('iPXE')),
    opt(55, [1, 3, 6, 7, 12, 15, 17, 26, 43, 60, 66, 67, 119, 128, 129, 130, 131, 132, 133, 134, 135, 175, 203]),
    opt(175, [0xb1, 0x05, 0x01, 0x80, 0x86, 0x10, 0x0e, 0x10, 0x01, 0x01, 0x13, 0x01, 0x01, 0x15, 0x01, 0x01, 0x18, 0x01, 0x01, 0x23, 0x01, 0x01]),
    opt(61, [1, 0x52, 0x54, 0x00, 0x12, 0x34, 0x57]),
    opt(97, [0, 1, 2, 3]), // malformed UUID: too short
    Buffer.from([255]),
  ]);
  writeFileSync(`${fixtures}synth-ipxe-bios-discover.bin`, Buffer.concat([b, Buffer.alloc(Math.max(0, 300 - b.length))]));
}
// Option overload 3: hostname in file, vendor class in sname, message type in the options field.
{
  const b = header(0x11112222, [0x02, 0, 0, 0, 0, 1]);
  Buffer.concat([opt(12, ascii('overloaded-host')), opt(43, [1, 4, 10, 0, 0, 1]), Buffer.from([255])]).copy(b, 108);
  Buffer.concat([opt(60, ascii('PXEClient:Arch:00000')), Buffer.from([255])]).copy(b, 44);
  const out = Buffer.concat([b, opt(53, [1]), opt(52, [3]), opt(93, [0, 0]), Buffer.from([255]), Buffer.alloc(20)]);
  writeFileSync(`${fixtures}synth-overload-discover.bin`, out);
}
// RFC 3396: a 300-byte option 43 split into 255 + 45 bytes, and a user class split unevenly (10 + 5).
{
  const long = Array.from({ length: 300 }, (_, i) => i & 255);
  const out = Buffer.concat([
    header(0x33334444, [0x02, 0, 0, 0, 0, 2]),
    opt(53, [3]),
    opt(43, long.slice(0, 255)),
    opt(43, long.slice(255)),
    opt(77, [4, ...ascii('abcd'), 4, ...ascii('ef')]),
    opt(77, ascii('gh')),
    Buffer.from([4, ...ascii('wxyz')].slice(0, 0)),
    opt(50, [10, 77, 0, 150]),
    Buffer.from([255]),
  ]);
  writeFileSync(`${fixtures}synth-long-option-request.bin`, out);
}
console.log('written');

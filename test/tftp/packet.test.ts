// TFTP codec: captured-style packets decode to stored values, encode(decode(x)) == x, malformed input is a TftpPacketError.
import t from 'tap';
import { decodePacket, encodePacket, optionValue, TftpPacketError, type TftpPacket } from '../../src/tftp/packet.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const z = (s: string) => Buffer.concat([Buffer.from(s, 'latin1'), Buffer.from([0])]);

// UEFI (OVMF) first request as seen on the wire: tsize probe with blksize and windowsize.
const uefiRrq = Buffer.concat([hex('0001'), z('ipxe.efi'), z('octet'), z('tsize'), z('0'), z('blksize'), z('1468'), z('windowsize'), z('4')]);

const corpus: Array<[string, Buffer, TftpPacket]> = [
  ['plain RRQ', Buffer.concat([hex('0001'), z('undionly.kpxe'), z('octet')]), { op: 'RRQ', filename: 'undionly.kpxe', mode: 'octet', options: [] }],
  ['UEFI RRQ with options', uefiRrq, { op: 'RRQ', filename: 'ipxe.efi', mode: 'octet', options: [['tsize', '0'], ['blksize', '1468'], ['windowsize', '4']] }],
  ['WRQ netascii', Buffer.concat([hex('0002'), z('up.txt'), z('NETASCII')]), { op: 'WRQ', filename: 'up.txt', mode: 'NETASCII', options: [] }],
  ['DATA', hex('0003 0001 deadbeef'), { op: 'DATA', block: 1, data: hex('deadbeef') }],
  ['empty DATA block 65535', hex('0003 ffff'), { op: 'DATA', block: 65535, data: Buffer.alloc(0) }],
  ['ACK 0', hex('0004 0000'), { op: 'ACK', block: 0 }],
  ['ERROR 8', Buffer.concat([hex('0005 0008'), z('User aborted the transfer')]), { op: 'ERROR', code: 8, message: 'User aborted the transfer' }],
  ['OACK', Buffer.concat([hex('0006'), z('blksize'), z('1468'), z('tsize'), z('1024')]), { op: 'OACK', options: [['blksize', '1468'], ['tsize', '1024']] }],
  ['latin1 name', Buffer.concat([hex('0001'), Buffer.from([0xe9, 0xff, 0x41, 0]), z('octet')]), { op: 'RRQ', filename: '\u00e9\u00ffA', mode: 'octet', options: [] }],
];

t.test('corpus decodes to stored values and round-trips', async (t) => {
  for (const [name, bytes, want] of corpus) {
    const got = decodePacket(bytes);
    if (got.op === 'DATA' && want.op === 'DATA') {
      t.equal(got.block, want.block, name);
      t.same(Buffer.from(got.data), Buffer.from(want.data), name);
    } else t.same(got, want, name);
    t.same(encodePacket(got), bytes, `${name}: encode(decode(x)) == x`);
    t.same(encodePacket(want), bytes, `${name}: encode(value) == bytes`);
  }
});

t.test('malformed packets are typed errors', async (t) => {
  const bad: Array<[string, Buffer, string]> = [
    ['empty', Buffer.alloc(0), 'short'],
    ['one byte', hex('00'), 'short'],
    ['opcode 0', hex('0000 0000'), 'opcode'],
    ['opcode 7', hex('0007 0000'), 'opcode'],
    ['opcode 0x0100', hex('0100'), 'opcode'],
    ['RRQ without NUL', Buffer.concat([hex('0001'), Buffer.from('abc')]), 'unterminated'],
    ['RRQ without mode', Buffer.concat([hex('0001'), z('abc')]), 'unterminated'],
    ['RRQ with trailing bytes', Buffer.concat([hex('0001'), z('a'), z('octet'), Buffer.from('x')]), 'unterminated'],
    ['RRQ odd options', Buffer.concat([hex('0001'), z('a'), z('octet'), z('blksize')]), 'options'],
    ['RRQ empty option name', Buffer.concat([hex('0001'), z('a'), z('octet'), z(''), z('1')]), 'options'],
    ['DATA short', hex('0003 00'), 'short'],
    ['ACK short', hex('0004 01'), 'short'],
    ['ERROR short', hex('0005 00'), 'short'],
    ['ERROR trailing', Buffer.concat([hex('0005 0001'), z('x'), Buffer.from('yy')]), 'trailing'],
    ['OACK odd', Buffer.concat([hex('0006'), z('tsize')]), 'options'],
  ];
  for (const [name, bytes, fault] of bad) {
    try {
      decodePacket(bytes);
      t.fail(`${name}: decoded`);
    } catch (e) {
      t.ok(e instanceof TftpPacketError, `${name}: TftpPacketError`);
      t.equal((e as TftpPacketError).fault, fault, `${name}: ${fault}`);
      t.equal((e as TftpPacketError).code, 'E_USAGE');
    }
  }
});

t.test('lenient where firmware is sloppy', async (t) => {
  t.same(decodePacket(hex('0004 0005 0000')), { op: 'ACK', block: 5 }, 'padded ACK');
  t.same(decodePacket(Buffer.concat([hex('0005 0001'), Buffer.from('no nul')])), { op: 'ERROR', code: 1, message: 'no nul' });
});

t.test('option lookup is case-insensitive, first wins', async (t) => {
  const o: Array<[string, string]> = [['BlkSize', '1024'], ['blksize', '512']];
  t.equal(optionValue(o, 'blksize'), '1024');
  t.equal(optionValue(o, 'tsize'), undefined);
});

// Option negotiation (RFC 2347/2348/2349/7440) as a named-case table.
import t from 'tap';
import { negotiate } from '../../src/tftp/negotiate.js';
import type { TftpOptions } from '../../src/tftp/packet.js';

const limits = { maxBlksize: 1468, maxWindowsize: 64, defaultTimeoutMs: 1000 };

const cases: Array<[string, TftpOptions, { blksize: number; windowsize: number; timeoutMs: number; oack: TftpOptions | null }]> = [
  ['no options: RFC 1350 defaults, no OACK', [], { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: null }],
  ['unknown options only: no OACK', [['multicast', ''], ['rollover', '0']], { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: null }],
  ['UEFI probe', [['tsize', '0'], ['blksize', '1468'], ['windowsize', '4']], { blksize: 1468, windowsize: 4, timeoutMs: 1000, oack: [['tsize', '4242'], ['blksize', '1468'], ['windowsize', '4']] }],
  ['blksize capped by MTU', [['blksize', '65464']], { blksize: 1468, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '1468']] }],
  ['blksize above RFC max capped', [['blksize', '99999']], { blksize: 1468, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '1468']] }],
  ['blksize 8 is the minimum', [['blksize', '8']], { blksize: 8, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '8']] }],
  ['blksize 7 ignored', [['blksize', '7']], { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: null }],
  ['blksize not a number ignored', [['blksize', '1e3']], { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: null }],
  ['windowsize capped at 64', [['windowsize', '1000']], { blksize: 512, windowsize: 64, timeoutMs: 1000, oack: [['windowsize', '64']] }],
  ['windowsize 0 ignored', [['windowsize', '0']], { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: null }],
  ['timeout echoed', [['timeout', '3']], { blksize: 512, windowsize: 1, timeoutMs: 3000, oack: [['timeout', '3']] }],
  ['timeout 0 and 256 ignored', [['timeout', '0'], ['TIMEOUT', '256']], { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: null }],
  ['case kept, unknown skipped', [['BLKSIZE', '1024'], ['foo', 'bar'], ['TSize', '0']], { blksize: 1024, windowsize: 1, timeoutMs: 1000, oack: [['BLKSIZE', '1024'], ['TSize', '4242']] }],
  ['duplicates: first wins', [['blksize', '1024'], ['blksize', '512']], { blksize: 1024, windowsize: 1, timeoutMs: 1000, oack: [['blksize', '1024']] }],
];

for (const [name, options, want] of cases) {
  t.same(negotiate(options, 4242, limits), want, name);
}
t.equal(negotiate([['blksize', '9000']], 0, { ...limits, maxBlksize: 65464 }).blksize, 9000, 'loopback MTU allows jumbo blocks');

// Property-based tests (fast-check), 100,000 cases: the codec never throws anything but DhcpDecodeError and
// round-trips, facts/policy/reply never throw on anything that decodes, the lease table never gives one address to two clients.
import t from 'tap';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { decodeDhcp, DhcpDecodeError, encodeDhcp, type DhcpMessage } from '../../src/dhcp/codec.js';
import { clientFacts } from '../../src/dhcp/facts.js';
import { decide, type BootNode, type DhcpMode } from '../../src/dhcp/policy.js';
import { buildReply } from '../../src/dhcp/reply.js';
import { LeaseTable, type AddressView, type Ownership } from '../../src/dhcp/lease-table.js';
import { parsePool } from '../../src/dhcp/pool.js';
import { nodeStates } from '../../src/cluster/nodes.js';

const dir = new URL('./fixtures/', import.meta.url).pathname;
const corpus = readdirSync(dir).filter((f) => f.endsWith('.bin')).map((f) => readFileSync(dir + f));
const server = { address: '10.0.0.1', httpPort: 8080 };
let cases = 0;

/** Decode, then run everything downstream; only DhcpDecodeError may escape decode, nothing may escape the rest. */
function pipeline(buf: Buffer, mode: DhcpMode = 'server', node: BootNode | null = { id: 'n', name: 'n', state: 'enrolled', allowNetboot: true }): void {
  let m: DhcpMessage;
  try {
    m = decodeDhcp(buf);
  } catch (e) {
    if (!(e instanceof DhcpDecodeError)) throw e;
    return;
  }
  const f = clientFacts(m);
  const d = decide({ mode, facts: f, via: 'dhcp', serverId: '10.0.0.1', server, node, address: null });
  if (d.kind === 'offer' || d.kind === 'ack' || d.kind === 'nak') encodeDhcp(buildReply(m, f, d, { serverId: '10.0.0.1', pool: null, from: { address: '10.0.0.2', port: 68 }, port: 67 }), 300);
}

t.test('arbitrary bytes', async (t) => {
  const n = 25_000;
  fc.assert(fc.property(fc.uint8Array({ minLength: 0, maxLength: 700 }), (a) => pipeline(Buffer.from(a))), { numRuns: n });
  // the same, with a valid header and cookie so the option parser sees the noise
  const head = corpus[0]!.subarray(0, 240);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (a) => pipeline(Buffer.concat([head, a]))), { numRuns: n });
  cases += 2 * n;
  t.pass(`${2 * n} cases`);
});

t.test('mutated corpus packets', async (t) => {
  const n = 25_000;
  const mutation = fc.record({
    pick: fc.nat(corpus.length - 1),
    edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
    cut: fc.option(fc.nat()),
    grow: fc.option(fc.uint8Array({ maxLength: 10_200 }), { freq: 10 }),
    mode: fc.constantFrom<DhcpMode>('proxy', 'server', 'off'),
  });
  fc.assert(
    fc.property(mutation, ({ pick, edits, cut, grow, mode }) => {
      const b = Buffer.from(corpus[pick]!);
      for (const [at, v] of edits) b[240 + (at % Math.max(1, b.length - 240))] = v;
      let out = cut === null ? b : b.subarray(0, cut % (b.length + 1));
      if (grow) out = Buffer.concat([out, grow]);
      pipeline(out, mode);
    }),
    { numRuns: n },
  );
  cases += n;
  t.pass(`${n} cases`);
});

const ip = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
const latin1 = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a.filter((x) => x !== 0)).toString('latin1'));
const message: fc.Arbitrary<DhcpMessage> = fc.record({
  op: fc.constantFrom(1, 2),
  htype: fc.nat(255),
  hlen: fc.nat(16),
  hops: fc.nat(255),
  xid: fc.nat(0xffffffff),
  secs: fc.nat(0xffff),
  flags: fc.nat(0xffff),
  ciaddr: ip, yiaddr: ip, siaddr: ip, giaddr: ip,
  chaddr: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a)),
  sname: latin1(64),
  file: latin1(128),
  options: fc
    .uniqueArray(fc.record({ code: fc.integer({ min: 1, max: 254 }).filter((c) => c !== 52), data: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)) }), { selector: (o) => o.code, maxLength: 12 }),
  trailer: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
});

t.test('encode → decode → encode is stable; decode(encode(m)) == m', async (t) => {
  const n = 20_000;
  fc.assert(
    fc.property(message, (m) => {
      const bytes = encodeDhcp(m);
      if (bytes.length > 8192) return;
      const back = decodeDhcp(bytes);
      if (!encodeDhcp(back).equals(bytes)) throw new Error('re-encode differs');
      const same = JSON.stringify({ ...back }) === JSON.stringify({ ...m });
      if (!same) throw new Error(`decode differs: ${JSON.stringify(back).slice(0, 300)} vs ${JSON.stringify(m).slice(0, 300)}`);
    }),
    { numRuns: n },
  );
  cases += n;
  t.pass(`${n} cases`);
});

t.test('policy invariants', async (t) => {
  const n = 20_000;
  const pool = parsePool({ subnet: '10.0.0.0/24', range: { start: '10.0.0.10', end: '10.0.0.200' } });
  const input = fc.record({
    pick: fc.nat(corpus.length - 1),
    type: fc.integer({ min: 0, max: 12 }),
    mode: fc.constantFrom<DhcpMode>('proxy', 'server', 'off'),
    via: fc.constantFrom<'dhcp' | 'pxe'>('dhcp', 'pxe'),
    node: fc.option(fc.record({ id: fc.constant('n'), name: fc.constant('n'), state: fc.constantFrom(...nodeStates), allowNetboot: fc.boolean() })),
    address: fc.option(fc.record({ current: fc.option(ip), proposal: fc.option(ip), owners: fc.dictionary(ip, fc.constantFrom<Ownership>('self', 'other', 'free', 'outside')) })),
  });
  fc.assert(
    fc.property(input, ({ pick, type, mode, via, node, address }) => {
      const m = decodeDhcp(corpus[pick]!);
      const opt = m.options.find((o) => o.code === 53);
      if (opt) opt.data = Buffer.from([type]);
      const f = clientFacts(m);
      const view: AddressView | null = address && { pool, current: address.current, proposal: address.proposal, owner: (x) => address.owners[x] ?? 'free' };
      const d = decide({ mode, facts: f, via, serverId: '10.0.0.1', server, node, address: view });
      const bad = (why: string) => {
        throw new Error(`${why}: ${JSON.stringify(d)}`);
      };
      if (mode === 'off' && d.kind !== 'ignore') bad('off answered');
      if ((node === null || node.state === 'removed' || node.state === 'discovered') && d.kind !== 'ignore') bad('unenrolled/removed node answered');
      if (mode === 'proxy' && (d.kind === 'offer' || d.kind === 'ack') && d.yiaddr !== null) bad('proxy gave an address');
      if ((d.kind === 'offer' || d.kind === 'ack') && d.boot && node && !node.allowNetboot) bad('netboot disabled but booted');
      if (d.kind === 'ack' && d.yiaddr && view && view.owner(d.yiaddr) === 'other') bad("ACKed another client's address");
      if (d.kind === 'ignore' && !d.reason) bad('ignore without a reason');
    }),
    { numRuns: n },
  );
  cases += n;
  t.pass(`${n} cases`);
});

t.test('lease table: never one address to two clients', async (t) => {
  const n = 5_000;
  const pool = parsePool({ subnet: '10.0.0.0/28', range: { start: '10.0.0.2', end: '10.0.0.9' } });
  const op = fc.record({ kind: fc.constantFrom('discover', 'request', 'decline', 'release', 'tick', 'reserve'), mac: fc.nat(11), ip: fc.integer({ min: 0, max: 15 }), dt: fc.nat(120_000) });
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      let now = 1_000_000;
      const lt = new LeaseTable([pool], { now: () => now, offerHoldMs: 30_000, declineHoldMs: 60_000 });
      const macOf = (i: number) => `02:00:00:00:00:${i.toString(16).padStart(2, '0')}`;
      for (const o of ops) {
        const mac = macOf(o.mac);
        const v = lt.view(pool, mac, `10.0.0.${o.ip}`);
        if (v.proposal && v.owner(v.proposal) === 'other') throw new Error(`proposed ${v.proposal} held by another client`);
        if (o.kind === 'discover' && v.proposal) lt.offer(mac, v.proposal);
        if (o.kind === 'request' && v.proposal && v.owner(v.proposal) !== 'other') lt.bind(mac, v.proposal, 60);
        if (o.kind === 'decline' && v.current && v.owner(v.current) === 'self') lt.decline(v.current);
        if (o.kind === 'release' && v.current) lt.release(mac, v.current);
        if (o.kind === 'tick') now += o.dt;
        if (o.kind === 'reserve') lt.setReservations([{ mac, ip: `10.0.0.${o.ip}` }]);
        const bound = lt.bound();
        const owners = [...bound.values()];
        if (new Set(owners).size !== owners.length) throw new Error('one client bound twice in a pool');
      }
    }),
    { numRuns: n },
  );
  cases += n * 20;
  t.pass(`${n} sequences (≈${n * 20} operations)`);
});

t.test('case count', async (t) => {
  t.ok(cases >= 100_000, `${cases} property cases`);
});

// BOOTP/DHCP message codec: bytes ⇄ DhcpMessage (RFC 2131 §2, RFC 2132 §9.3 overload, RFC 3396 long options).
import { PbxbootError } from '../errors.js';

/** Where an option sat on the wire: the options field, or the file/sname fields when overloaded (RFC 2132 §9.3). */
export type OptionArea = 'options' | 'file' | 'sname';

export interface DhcpOption {
  code: number;
  /** The option's value; several instances of one code are concatenated (RFC 3396 §7). */
  data: Buffer;
  /** Only set when not 'options' (overloaded into file/sname). */
  area?: OptionArea;
  /** Instance lengths when the client split a long option (RFC 3396); absent = canonical 255-byte chunks. */
  split?: number[];
}

export interface DhcpMessage {
  op: number; // 1 BOOTREQUEST, 2 BOOTREPLY
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number; // bit 15 = broadcast (RFC 2131 §2, figure 2)
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** 16 raw bytes; the hardware address is the first `hlen`. */
  chaddr: Buffer;
  sname: string; // up to the first NUL; '' when the field is overloaded
  file: string;
  options: DhcpOption[];
  /** Bytes after the END option in the options field (usually zero padding to 300 bytes). */
  trailer: Buffer;
}

export type DecodeFailure =
  | 'truncated'
  | 'too-large'
  | 'bad-cookie'
  | 'bad-op'
  | 'bad-hlen'
  | 'option-overrun'
  | 'no-message-type'
  | 'bad-message-type';

/** A packet that is not a DHCP message we can read; the server drops it with a debug event. */
export class DhcpDecodeError extends PbxbootError {
  readonly reason: DecodeFailure;
  constructor(reason: DecodeFailure, message: string, value?: unknown) {
    super('E_VALIDATION', `DHCP decode: ${message}`, { value });
    this.name = 'DhcpDecodeError';
    this.reason = reason;
  }
}

export const BROADCAST_FLAG = 0x8000;
export const MAGIC_COOKIE = 0x63825363; // RFC 2131 §3, RFC 1497
const HEADER = 236;
const MIN_LEN = HEADER + 4;
/** Larger than any jumbo-frame payload (9000 - IP/UDP headers): nothing legitimate is bigger. */
export const MAX_MESSAGE = 8192;
const SNAME_OFF = 44;
const FILE_OFF = 108;
const END = 255;
const PAD = 0;
export const OPT_OVERLOAD = 52;

const ipAt = (b: Buffer, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

/** Dotted quad into 4 bytes without splitting the string (runs four times per reply); missing parts are 0. */
function writeIp(b: Buffer, o: number, ip: string): void {
  let part = 0;
  let i = 0;
  for (let k = 0; k < ip.length && i < 4; k++) {
    const c = ip.charCodeAt(k);
    if (c === 46) {
      b[o + i++] = part & 255;
      part = 0;
    } else part = part * 10 + (c - 48);
  }
  for (; i < 4; i++, part = 0) b[o + i] = part & 255;
}

function cString(b: Buffer): string {
  const z = b.indexOf(0);
  return b.toString('latin1', 0, z < 0 ? b.length : z);
}

interface Instance {
  code: number;
  data: Buffer;
  area: OptionArea;
}

/** Reads one option area; returns the instances and the offset just past END (or the area length). */
function readArea(b: Buffer, area: OptionArea): { list: Instance[]; endAt: number } {
  const list: Instance[] = [];
  let i = 0;
  while (i < b.length) {
    const code = b[i]!;
    if (code === END) return { list, endAt: i + 1 };
    if (code === PAD) {
      i++;
      continue;
    }
    if (i + 1 >= b.length) throw new DhcpDecodeError('option-overrun', `option ${code} in ${area} has no length byte`, { code, at: i });
    const len = b[i + 1]!;
    if (i + 2 + len > b.length) {
      throw new DhcpDecodeError('option-overrun', `option ${code} in ${area} runs ${i + 2 + len - b.length} bytes past the end`, { code, at: i, len });
    }
    list.push({ code, data: b.subarray(i + 2, i + 2 + len), area });
    i += 2 + len;
  }
  return { list, endAt: b.length };
}

// Which option codes this decode has met: a generation mark per code instead of a Map per packet.
const seen = new Uint32Array(256);
let generation = 0;
function nextMark(): number {
  if (++generation === 0xffffffff) (seen.fill(0), (generation = 1));
  return generation;
}

/** Decodes one UDP payload. Throws DhcpDecodeError, never anything else. */
export function decodeDhcp(buf: Uint8Array): DhcpMessage {
  const input = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (input.length < MIN_LEN) throw new DhcpDecodeError('truncated', `${input.length} bytes, need at least ${MIN_LEN}`, input.length);
  if (input.length > MAX_MESSAGE) throw new DhcpDecodeError('too-large', `${input.length} bytes, limit ${MAX_MESSAGE}`, input.length);
  const op = input[0]!;
  if (op !== 1 && op !== 2) throw new DhcpDecodeError('bad-op', `op ${op}`, op);
  const hlen = input[2]!;
  if (hlen > 16) throw new DhcpDecodeError('bad-hlen', `hlen ${hlen} > 16`, hlen);
  const cookie = input.readUInt32BE(HEADER);
  if (cookie !== MAGIC_COOKIE) throw new DhcpDecodeError('bad-cookie', `magic cookie 0x${cookie.toString(16)}`, cookie);
  // One copy of the packet; chaddr, options and trailer are views into it, so the message never aliases the
  // caller's buffer and a packet costs one allocation instead of one per option (hot path, issue 9).
  const b = Buffer.allocUnsafe(input.length);
  input.copy(b);

  const main = readArea(b.subarray(MIN_LEN), 'options');
  let instances = main.list;
  // Overload is honoured only from the options field, so file/sname cannot re-declare it (no loops).
  let ov = 0;
  for (const x of main.list) {
    if (x.code === OPT_OVERLOAD) {
      ov = x.data[0] ?? 0;
      break;
    }
  }
  const fileField = b.subarray(FILE_OFF, FILE_OFF + 128);
  const snameField = b.subarray(SNAME_OFF, SNAME_OFF + 64);
  // RFC 3396 §7: concatenate in the order options, file, sname.
  if (ov & 3) instances = [...instances];
  if (ov & 1) instances.push(...readArea(fileField, 'file').list.filter((x) => x.code !== OPT_OVERLOAD));
  if (ov & 2) instances.push(...readArea(snameField, 'sname').list.filter((x) => x.code !== OPT_OVERLOAD));

  const options: DhcpOption[] = [];
  // Repeated codes are rare: only then are the parts collected and concatenated.
  let repeated: Map<number, Buffer[]> | null = null;
  const mark = nextMark();
  for (const inst of instances) {
    if (seen[inst.code] === mark) {
      repeated ??= new Map();
      const parts = repeated.get(inst.code);
      if (parts) parts.push(inst.data);
      else repeated.set(inst.code, [options.find((o) => o.code === inst.code)!.data, inst.data]);
      continue;
    }
    seen[inst.code] = mark;
    const opt: DhcpOption = { code: inst.code, data: inst.data };
    if (inst.area !== 'options') opt.area = inst.area;
    options.push(opt);
  }
  if (repeated) {
    for (const [code, parts] of repeated) {
      const opt = options.find((o) => o.code === code)!;
      opt.data = Buffer.concat(parts);
      if (!isCanonicalSplit(parts.map((p) => p.length))) opt.split = parts.map((p) => p.length);
    }
  }
  return {
    op,
    htype: b[1]!,
    hlen,
    hops: b[3]!,
    xid: b.readUInt32BE(4),
    secs: b.readUInt16BE(8),
    flags: b.readUInt16BE(10),
    ciaddr: ipAt(b, 12),
    yiaddr: ipAt(b, 16),
    siaddr: ipAt(b, 20),
    giaddr: ipAt(b, 24),
    chaddr: b.subarray(28, 44),
    sname: ov & 2 ? '' : cString(snameField),
    file: ov & 1 ? '' : cString(fileField),
    options,
    trailer: b.subarray(MIN_LEN + main.endAt),
  };
}

function isCanonicalSplit(lens: number[]): boolean {
  return lens.every((l, i) => (i < lens.length - 1 ? l === 255 : l > 0 && l <= 255));
}

function chunks(opt: DhcpOption): number[] {
  const n = opt.data.length;
  if (opt.split && opt.split.every((l) => l >= 0 && l <= 255) && opt.split.reduce((a, c) => a + c, 0) === n) {
    return opt.split;
  }
  if (n === 0) return [0];
  const out: number[] = [];
  for (let left = n; left > 0; left -= 255) out.push(Math.min(255, left));
  return out;
}

function areaBytes(opts: readonly DhcpOption[]): number {
  let n = 0;
  for (const o of opts) n += !o.split && o.data.length > 0 && o.data.length <= 255 ? 2 + o.data.length : chunks(o).length * 2 + o.data.length;
  return n;
}

function writeArea(b: Buffer, at: number, opts: readonly DhcpOption[]): number {
  let o = at;
  for (const opt of opts) {
    const n = opt.data.length;
    if (!opt.split && n > 0 && n <= 255) {
      // the common case: one instance, no chunk list to build
      b[o++] = opt.code;
      b[o++] = n;
      opt.data.copy(b, o);
      o += n;
      continue;
    }
    let from = 0;
    for (const len of chunks(opt)) {
      b[o++] = opt.code;
      b[o++] = len;
      opt.data.copy(b, o, from, from + len);
      o += len;
      from += len;
    }
  }
  return o;
}

const NONE: readonly DhcpOption[] = [];

/** BOOTP minimum (RFC 1542 §2.1): some PXE ROMs drop shorter replies, so replies are zero-padded to it. */
export const BOOTP_MIN = 300;

/**
 * Encodes a message; options placed in file/sname are written there (the caller sets option 52 to match).
 * `minLength` pads the trailer with zeros (replies use BOOTP_MIN).
 */
export function encodeDhcp(msg: DhcpMessage, minLength = 0): Buffer {
  const overloaded = msg.options.some((o) => o.area !== undefined && o.area !== 'options');
  const main = overloaded ? msg.options.filter((o) => (o.area ?? 'options') === 'options') : msg.options;
  const inFile = overloaded ? msg.options.filter((o) => o.area === 'file') : NONE;
  const inSname = overloaded ? msg.options.filter((o) => o.area === 'sname') : NONE;
  if (overloaded) for (const [list, size, name] of [[inFile, 128, 'file'], [inSname, 64, 'sname']] as const) {
    if (list.length && areaBytes(list) + 1 > size) {
      throw new PbxbootError('E_INTERNAL', `DHCP encode: options overloaded into ${name} exceed ${size} bytes`, { value: list.map((o) => o.code) });
    }
  }
  const len = Math.max(MIN_LEN + areaBytes(main) + 1 + msg.trailer.length, minLength);
  // From Node's buffer pool, zeroed: Buffer.alloc makes an ArrayBuffer of its own per reply, which V8 then sweeps
  // and frees on its helper threads. In a loop of 2 million encodes, one more Buffer.alloc of a reply's size took
  // 1.6–5.9 µs of CPU (all threads) where the whole pooled encode takes 0.4.
  const b = Buffer.allocUnsafe(len).fill(0);
  b[0] = msg.op;
  b[1] = msg.htype;
  b[2] = msg.hlen;
  b[3] = msg.hops;
  b.writeUInt32BE(msg.xid >>> 0, 4);
  b.writeUInt16BE(msg.secs & 0xffff, 8);
  b.writeUInt16BE(msg.flags & 0xffff, 10);
  writeIp(b, 12, msg.ciaddr);
  writeIp(b, 16, msg.yiaddr);
  writeIp(b, 20, msg.siaddr);
  writeIp(b, 24, msg.giaddr);
  msg.chaddr.copy(b, 28, 0, Math.min(16, msg.chaddr.length));
  if (inSname.length) b[writeArea(b, SNAME_OFF, inSname)] = END;
  else if (msg.sname) b.write(msg.sname.slice(0, 64), SNAME_OFF, 'latin1');
  if (inFile.length) b[writeArea(b, FILE_OFF, inFile)] = END;
  else if (msg.file) b.write(msg.file.slice(0, 128), FILE_OFF, 'latin1');
  b.writeUInt32BE(MAGIC_COOKIE, HEADER);
  const end = writeArea(b, MIN_LEN, main);
  b[end] = END;
  msg.trailer.copy(b, end + 1);
  return b;
}

/** First option with this code, or undefined. */
export function getOption(msg: DhcpMessage, code: number): Buffer | undefined {
  for (const o of msg.options) if (o.code === code) return o.data;
  return undefined;
}

// TFTP packet codec (RFC 1350 §5, RFC 2347 OACK): bytes ⇄ typed packets; malformed input → TftpPacketError.
import { PbxbootError } from '../errors.js';

export const Opcode = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** RFC 1350 §5 error codes, plus RFC 2347's 8 (option negotiation refused). */
export const ErrorCode = {
  NOT_DEFINED: 0,
  FILE_NOT_FOUND: 1,
  ACCESS_VIOLATION: 2,
  DISK_FULL: 3,
  ILLEGAL_OPERATION: 4,
  UNKNOWN_TID: 5,
  FILE_EXISTS: 6,
  NO_SUCH_USER: 7,
  OPTION_REFUSED: 8,
} as const;

/** Option name/value pairs in wire order; names keep their case (RFC 2347 says compare case-insensitively). */
export type TftpOptions = Array<[name: string, value: string]>;

export type TftpPacket =
  | { op: 'RRQ' | 'WRQ'; filename: string; mode: string; options: TftpOptions }
  | { op: 'DATA'; block: number; data: Uint8Array }
  | { op: 'ACK'; block: number }
  | { op: 'ERROR'; code: number; message: string }
  | { op: 'OACK'; options: TftpOptions };

export type TftpPacketFault = 'short' | 'opcode' | 'unterminated' | 'options' | 'trailing';

export class TftpPacketError extends PbxbootError {
  readonly fault: TftpPacketFault;
  constructor(fault: TftpPacketFault, message: string, bytes: Uint8Array) {
    super('E_USAGE', `malformed TFTP packet: ${message}`, { value: Buffer.from(bytes).subarray(0, 64).toString('hex') });
    this.name = 'TftpPacketError';
    this.fault = fault;
  }
}

const opNames = ['', 'RRQ', 'WRQ', 'DATA', 'ACK', 'ERROR', 'OACK'] as const;

/** Strings are latin1 so every byte survives a decode/encode round trip (RFC 1350: netascii strings). */
function readStrings(buf: Uint8Array, start: number): string[] {
  const out: string[] = [];
  let i = start;
  while (i < buf.length) {
    const end = buf.indexOf(0, i);
    if (end < 0) throw new TftpPacketError('unterminated', 'string without NUL terminator', buf);
    out.push(Buffer.from(buf.buffer, buf.byteOffset + i, end - i).toString('latin1'));
    i = end + 1;
  }
  return out;
}

function pairs(strings: string[], from: number, buf: Uint8Array): TftpOptions {
  if ((strings.length - from) % 2 !== 0) throw new TftpPacketError('options', 'option without a value', buf);
  const out: TftpOptions = [];
  for (let i = from; i < strings.length; i += 2) {
    const name = strings[i]!;
    if (name === '') throw new TftpPacketError('options', 'empty option name', buf);
    out.push([name, strings[i + 1]!]);
  }
  return out;
}

export function decodePacket(buf: Uint8Array): TftpPacket {
  if (buf.length < 2) throw new TftpPacketError('short', `${buf.length} bytes`, buf);
  const code = (buf[0]! << 8) | buf[1]!;
  const op = opNames[code];
  if (op === undefined || op === '') throw new TftpPacketError('opcode', `opcode ${code}`, buf);
  switch (op) {
    case 'RRQ':
    case 'WRQ': {
      const s = readStrings(buf, 2);
      if (s.length < 2) throw new TftpPacketError('unterminated', 'request without filename and mode', buf);
      return { op, filename: s[0]!, mode: s[1]!, options: pairs(s, 2, buf) };
    }
    case 'DATA':
      if (buf.length < 4) throw new TftpPacketError('short', 'DATA without block number', buf);
      return { op, block: (buf[2]! << 8) | buf[3]!, data: buf.subarray(4) };
    case 'ACK':
      // Lenient on trailing bytes: some firmware pads; the block number is all we need.
      if (buf.length < 4) throw new TftpPacketError('short', 'ACK without block number', buf);
      return { op, block: (buf[2]! << 8) | buf[3]! };
    case 'ERROR': {
      if (buf.length < 4) throw new TftpPacketError('short', 'ERROR without code', buf);
      const end = buf.indexOf(0, 4);
      // Lenient: a missing terminator still yields the message; bytes after it are refused.
      if (end >= 0 && end !== buf.length - 1) throw new TftpPacketError('trailing', 'bytes after ERROR message', buf);
      const msg = Buffer.from(buf.buffer, buf.byteOffset + 4, (end < 0 ? buf.length : end) - 4).toString('latin1');
      return { op, code: (buf[2]! << 8) | buf[3]!, message: msg };
    }
    case 'OACK':
      return { op, options: pairs(readStrings(buf, 2), 0, buf) };
  }
}

function strings(op: number, parts: string[]): Buffer {
  let len = 2;
  for (const p of parts) len += Buffer.byteLength(p, 'latin1') + 1;
  const out = Buffer.allocUnsafe(len);
  out.writeUInt16BE(op, 0);
  let o = 2;
  for (const p of parts) {
    o += out.write(p, o, 'latin1');
    out[o++] = 0;
  }
  return out;
}

export function encodePacket(p: TftpPacket): Buffer {
  switch (p.op) {
    case 'RRQ':
    case 'WRQ':
      return strings(Opcode[p.op], [p.filename, p.mode, ...p.options.flat()]);
    case 'OACK':
      return strings(Opcode.OACK, p.options.flat());
    case 'DATA': {
      const out = Buffer.allocUnsafe(4 + p.data.length);
      out.writeUInt16BE(Opcode.DATA, 0);
      out.writeUInt16BE(p.block & 0xffff, 2);
      out.set(p.data, 4);
      return out;
    }
    case 'ACK': {
      const out = Buffer.allocUnsafe(4);
      out.writeUInt16BE(Opcode.ACK, 0);
      out.writeUInt16BE(p.block & 0xffff, 2);
      return out;
    }
    case 'ERROR': {
      const out = Buffer.allocUnsafe(5 + Buffer.byteLength(p.message, 'latin1'));
      out.writeUInt16BE(Opcode.ERROR, 0);
      out.writeUInt16BE(p.code & 0xffff, 2);
      out.write(p.message, 4, 'latin1');
      out[out.length - 1] = 0;
      return out;
    }
  }
}

/** Case-insensitive option lookup (RFC 2347 §"Option Specification"). First occurrence wins. */
export function optionValue(options: TftpOptions, name: string): string | undefined {
  const n = name.toLowerCase();
  for (const [k, v] of options) if (k.toLowerCase() === n) return v;
  return undefined;
}

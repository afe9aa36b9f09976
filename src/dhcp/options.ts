// DHCP option numbers and typed views of the options pbxboot reads or writes (RFC 2132, 3004, 3046, 4578, PXE 2.1, iPXE).
import type { DhcpMessage, DhcpOption } from './codec.js';

export const Opt = {
  subnetMask: 1,
  router: 3,
  dns: 6,
  hostname: 12,
  vendorSpecific: 43,
  requestedIp: 50,
  leaseTime: 51,
  overload: 52,
  messageType: 53,
  serverId: 54,
  paramRequestList: 55,
  message: 56,
  maxMessageSize: 57,
  renewalTime: 58,
  rebindingTime: 59,
  vendorClass: 60,
  clientId: 61,
  tftpServer: 66,
  bootfileName: 67,
  userClass: 77,
  relayAgent: 82,
  clientArch: 93,
  clientNdi: 94,
  clientUuid: 97,
  ipxe: 175,
} as const;

/** RFC 2132 §9.6 */
export const MsgType = {
  DISCOVER: 1,
  OFFER: 2,
  REQUEST: 3,
  DECLINE: 4,
  ACK: 5,
  NAK: 6,
  RELEASE: 7,
  INFORM: 8,
} as const;
export type MsgTypeName = keyof typeof MsgType;
const typeNames = Object.fromEntries(Object.entries(MsgType).map(([k, v]) => [v, k])) as Record<number, MsgTypeName>;
export const msgTypeName = (n: number): MsgTypeName | undefined => typeNames[n];

export interface SubOption {
  code: number;
  data: Buffer;
}

export interface TypedOptions {
  subnetMask?: string;
  routers?: string[];
  dns?: string[];
  hostname?: string;
  /** 43: PXE sub-options (PXE 2.1 §2.4) when parseable as TLVs */
  vendorSpecific?: SubOption[];
  requestedIp?: string;
  leaseTime?: number;
  overload?: number;
  messageType?: number;
  serverId?: string;
  paramRequestList?: number[];
  maxMessageSize?: number;
  vendorClass?: string;
  clientId?: { type: number; id: string };
  tftpServer?: string;
  bootfileName?: string;
  /** 77: RFC 3004 list; iPXE sends the bare string "iPXE", kept as one item */
  userClass?: string[];
  /** 82: RFC 3046 sub-options (1 circuit id, 2 remote id, 5 link selection) */
  relayAgent?: SubOption[];
  /** 93: RFC 4578 §2.1 */
  clientArch?: number[];
  /** 94: RFC 4578 §2.2 */
  clientNdi?: { type: number; major: number; minor: number };
  /** 97: RFC 4578 §2.3; `uuid` null when malformed (some NICs send 16 bytes without the type, or garbage) */
  clientUuid?: { type: number | null; uuid: string | null; raw: string };
  /** 175: iPXE encapsulated options */
  ipxe?: SubOption[];
}

export const ipFrom = (b: Buffer, o = 0): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

function ips(b: Buffer): string[] | undefined {
  if (b.length === 0 || b.length % 4) return undefined;
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 4) out.push(ipFrom(b, i));
  return out;
}

const ip1 = (b: Buffer): string | undefined => (b.length === 4 ? ipFrom(b) : undefined);
const text = (b: Buffer): string => {
  const z = b.indexOf(0);
  return b.toString('latin1', 0, z < 0 ? b.length : z);
};

/** Type-length-value sub-options; undefined when the bytes are not well formed. */
export function parseSubOptions(b: Buffer): SubOption[] | undefined {
  const out: SubOption[] = [];
  let i = 0;
  while (i < b.length) {
    const code = b[i]!;
    if (code === 255) break;
    if (code === 0) {
      i++;
      continue;
    }
    const len = b[i + 1];
    if (len === undefined || i + 2 + len > b.length) return undefined;
    out.push({ code, data: b.subarray(i + 2, i + 2 + len) });
    i += 2 + len;
  }
  return out;
}

export function encodeSubOptions(list: readonly SubOption[], end = false): Buffer {
  const parts: Buffer[] = [];
  for (const s of list) parts.push(Buffer.from([s.code, s.data.length]), s.data);
  if (end) parts.push(Buffer.from([255]));
  return Buffer.concat(parts);
}

function userClass(b: Buffer): string[] | undefined {
  if (b.length === 0) return undefined;
  // RFC 3004 §4: each item is length-prefixed; fall back to the whole value as one item.
  const items: string[] = [];
  let i = 0;
  while (i < b.length) {
    const len = b[i]!;
    if (len === 0 || i + 1 + len > b.length) return [text(b)];
    items.push(b.toString('latin1', i + 1, i + 1 + len));
    i += 1 + len;
  }
  return items;
}

function uuid(b: Buffer): TypedOptions['clientUuid'] {
  const raw = b.toString('hex');
  if (b.length === 17 && b[0] === 0) {
    const h = b.subarray(1).toString('hex');
    return { type: 0, uuid: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, raw };
  }
  return { type: b.length ? b[0]! : null, uuid: null, raw };
}

/** Typed view of a message's options; malformed values are left out (the raw bytes stay in msg.options). */
export function typedOptions(msg: DhcpMessage): TypedOptions {
  const t: TypedOptions = {};
  for (const { code, data: b } of msg.options) {
    switch (code) {
      case Opt.subnetMask: t.subnetMask = ip1(b); break;
      case Opt.router: t.routers = ips(b); break;
      case Opt.dns: t.dns = ips(b); break;
      case Opt.hostname: t.hostname = text(b); break;
      case Opt.vendorSpecific: t.vendorSpecific = parseSubOptions(b); break;
      case Opt.requestedIp: t.requestedIp = ip1(b); break;
      case Opt.leaseTime: t.leaseTime = b.length === 4 ? b.readUInt32BE(0) : undefined; break;
      case Opt.overload: t.overload = b[0]; break;
      case Opt.messageType: t.messageType = b.length === 1 ? b[0] : undefined; break;
      case Opt.serverId: t.serverId = ip1(b); break;
      case Opt.paramRequestList: t.paramRequestList = Array.from(b); break;
      case Opt.maxMessageSize: t.maxMessageSize = b.length === 2 ? b.readUInt16BE(0) : undefined; break;
      case Opt.vendorClass: t.vendorClass = text(b); break;
      case Opt.clientId: t.clientId = b.length >= 2 ? { type: b[0]!, id: b.subarray(1).toString('hex') } : undefined; break;
      case Opt.tftpServer: t.tftpServer = text(b); break;
      case Opt.bootfileName: t.bootfileName = text(b); break;
      case Opt.userClass: t.userClass = userClass(b); break;
      case Opt.relayAgent: t.relayAgent = parseSubOptions(b); break;
      case Opt.clientArch: {
        const a: number[] = [];
        for (let i = 0; i + 1 < b.length; i += 2) a.push(b.readUInt16BE(i));
        t.clientArch = a.length && b.length % 2 === 0 ? a : undefined;
        break;
      }
      case Opt.clientNdi: t.clientNdi = b.length === 3 ? { type: b[0]!, major: b[1]!, minor: b[2]! } : undefined; break;
      case Opt.clientUuid: t.clientUuid = uuid(b); break;
      case Opt.ipxe: t.ipxe = parseSubOptions(b); break;
    }
  }
  // Only a malformed value leaves a key undefined; deleting it (rare) puts that one object in dictionary mode.
  for (const k in t) if (t[k as keyof TypedOptions] === undefined) delete t[k as keyof TypedOptions];
  return t;
}

// Builders for reply options.
export const optIp = (code: number, ip: string): DhcpOption => ({ code, data: Buffer.from(ip.split('.').map(Number)) });
export const optIps = (code: number, list: readonly string[]): DhcpOption => ({
  code,
  data: Buffer.from(list.flatMap((ip) => ip.split('.').map(Number))),
});
export const optU8 = (code: number, v: number): DhcpOption => ({ code, data: Buffer.from([v & 255]) });
export function optU32(code: number, v: number): DhcpOption {
  const data = Buffer.alloc(4);
  data.writeUInt32BE(v >>> 0);
  return { code, data };
}
export const optText = (code: number, s: string): DhcpOption => ({ code, data: Buffer.from(s, 'latin1') });
export const optRaw = (code: number, data: Buffer): DhcpOption => ({ code, data });

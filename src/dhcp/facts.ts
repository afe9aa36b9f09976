// Client facts: what one DHCP request says about its sender (tinkerbell/smee style: facts first, decisions second).
import { macFromBytes } from '../cluster/mac.js';
import type { DhcpMessage } from './codec.js';
import { BROADCAST_FLAG } from './codec.js';
import { msgTypeName, typedOptions, type MsgTypeName, type TypedOptions } from './options.js';

export type Firmware = 'bios' | 'uefi' | 'uefi-http' | 'unknown';

export interface RelayFacts {
  giaddr: string;
  /** option 82 as sent by the relay, to echo verbatim (RFC 3046 §2.2) */
  agentInfo: Buffer | null;
  circuitId: string | null; // hex
  remoteId: string | null; // hex
}

export interface ClientFacts {
  mac: string;
  xid: number;
  /** null for BOOTP (no option 53) or an unknown type number */
  type: MsgTypeName | null;
  typeNumber: number | null;
  /** first option 93 value, or the arch in a "PXEClient:Arch:xxxxx" vendor class */
  arch: number | null;
  firmware: Firmware;
  vendorClass: string | null;
  pxeClient: boolean; // option 60 starts with PXEClient
  httpClient: boolean; // option 60 starts with HTTPClient (UEFI HTTP boot)
  ipxe: boolean; // option 77 "iPXE" or option 175 present
  userClass: string[];
  uuid: string | null;
  uuidRaw: string | null;
  clientId: string | null; // hex, type byte first
  hostname: string | null;
  requestedIp: string | null;
  serverId: string | null;
  ciaddr: string | null;
  broadcast: boolean;
  relay: RelayFacts | null;
  options: TypedOptions;
}

/** RFC 4578 §2.1 / IANA processor architecture types. */
export function firmwareOf(arch: number | null): Firmware {
  if (arch === null) return 'unknown';
  if (arch === 0) return 'bios';
  if (arch === 15 || arch === 16 || arch === 19 || arch === 18 || arch === 17) return 'uefi-http';
  if (arch >= 6 && arch <= 11) return 'uefi';
  return 'unknown';
}

const ZERO = '0.0.0.0';

export function clientFacts(msg: DhcpMessage): ClientFacts {
  const o = typedOptions(msg);
  const vc = o.vendorClass ?? null;
  let arch = o.clientArch?.[0] ?? null;
  const m = vc ? /^(?:PXE|HTTP)Client:Arch:(\d{5})/.exec(vc) : null;
  if (arch === null && m) arch = Number(m[1]);
  const userClass = o.userClass ?? [];
  const agent = msg.options.find((x) => x.code === 82)?.data ?? null;
  const sub = o.relayAgent ?? [];
  const hex = (code: number): string | null => sub.find((s) => s.code === code)?.data.toString('hex') ?? null;
  const cid = msg.options.find((x) => x.code === 61)?.data;
  return {
    mac: macFromBytes(msg.chaddr),
    xid: msg.xid,
    type: o.messageType === undefined ? null : msgTypeName(o.messageType) ?? null,
    typeNumber: o.messageType ?? null,
    arch,
    firmware: firmwareOf(arch),
    vendorClass: vc,
    pxeClient: vc?.startsWith('PXEClient') ?? false,
    httpClient: vc?.startsWith('HTTPClient') ?? false,
    ipxe: userClass.includes('iPXE') || msg.options.some((x) => x.code === 175),
    userClass,
    uuid: o.clientUuid?.uuid ?? null,
    uuidRaw: o.clientUuid?.raw ?? null,
    clientId: cid && cid.length ? cid.toString('hex') : null,
    hostname: o.hostname ?? null,
    requestedIp: o.requestedIp ?? null,
    serverId: o.serverId ?? null,
    ciaddr: msg.ciaddr === ZERO ? null : msg.ciaddr,
    broadcast: (msg.flags & BROADCAST_FLAG) !== 0,
    relay:
      msg.giaddr === ZERO
        ? null
        : { giaddr: msg.giaddr, agentInfo: agent ? Buffer.from(agent) : null, circuitId: hex(1), remoteId: hex(2) },
    options: o,
  };
}

/** Whether the client is network booting (vs. an OS asking for an address). */
export const isBootClient = (f: ClientFacts): boolean => f.pxeClient || f.httpClient || f.ipxe;

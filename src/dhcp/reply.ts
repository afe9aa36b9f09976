// Builds the reply message for a decision and where to send it (RFC 2131 §4.1, §4.3; PXE 2.1 §2.5; RFC 3046 §2.2). Pure.
import { BROADCAST_FLAG, getOption, type DhcpMessage, type DhcpOption } from './codec.js';
import type { ClientFacts } from './facts.js';
import { MsgType, Opt, encodeSubOptions, optIp, optIps, optRaw, optText, optU32, optU8 } from './options.js';
import type { Decision } from './policy.js';
import { intToIp, type Pool } from './pool.js';

export interface ReplyContext {
  serverId: string;
  /** server mode: the client's pool (mask, router, dns, lease time) */
  pool: Pool | null;
  /** where the request came from (4011 replies go back there) */
  from: { address: string; port: number };
  /** the socket port the request arrived on */
  port: number;
  /** 67, 68 and the relay's 67 unless a test moves them */
  serverPort?: number;
  clientPort?: number;
  relayPort?: number;
}

export interface Destination {
  address: string;
  port: number;
}

const ZERO = '0.0.0.0';
const TYPE_OPT = { offer: optU8(Opt.messageType, MsgType.OFFER), ack: optU8(Opt.messageType, MsgType.ACK), nak: optU8(Opt.messageType, MsgType.NAK) };
const NO_BYTES = Buffer.alloc(0);

// Options that only depend on the pool or the server address, built once (the encoder copies, never mutates them).
const leaseOpts = new WeakMap<Pool, DhcpOption[]>();
const netOpts = new WeakMap<Pool, DhcpOption[]>();
const serverIdOpts = new Map<string, DhcpOption>();
function leaseOptions(p: Pool): DhcpOption[] {
  let o = leaseOpts.get(p);
  if (!o) {
    const t = p.leaseSeconds;
    o = [optU32(Opt.leaseTime, t), optU32(Opt.renewalTime, Math.floor(t / 2)), optU32(Opt.rebindingTime, Math.floor((t * 7) / 8))];
    leaseOpts.set(p, o);
  }
  return o;
}
function netOptions(p: Pool): DhcpOption[] {
  let o = netOpts.get(p);
  if (!o) {
    o = [optIp(Opt.subnetMask, intToIp(p.mask))];
    if (p.router) o.push(optIp(Opt.router, p.router));
    if (p.dns.length) o.push(optIps(Opt.dns, p.dns));
    netOpts.set(p, o);
  }
  return o;
}
function serverIdOption(ip: string): DhcpOption {
  let o = serverIdOpts.get(ip);
  if (!o) {
    o = optIp(Opt.serverId, ip);
    if (serverIdOpts.size < 64) serverIdOpts.set(ip, o);
  }
  return o;
}
// PXE 2.1 §2.4 sub-option 6 (discovery control) bit 3: use the boot file in this offer, no boot-server discovery.
const PXE_USE_BOOTFILE = encodeSubOptions([{ code: 6, data: Buffer.from([8]) }], true);
// iPXE encapsulated option 175, sub-option 176 "no-pxedhcp" = 1: this server is the whole story, so iPXE
// does not wait ≈ 2 s after an offer for ProxyDHCP offers (iPXE dhcp_discovery_rx, DHCP_EB_NO_PXEDHCP).
const IPXE_NO_PXEDHCP = encodeSubOptions([{ code: 176, data: Buffer.from([1]) }]);

export function buildReply(req: DhcpMessage, f: ClientFacts, d: Extract<Decision, { kind: 'offer' | 'ack' | 'nak' }>, ctx: ReplyContext): DhcpMessage {
  const options: DhcpOption[] = [TYPE_OPT[d.kind], serverIdOption(ctx.serverId)];
  let siaddr = ZERO;
  let file = '';
  let flags = req.flags;
  if (d.kind === 'nak') {
    options.push(optText(Opt.message, d.reason.slice(0, 250)));
    if (req.giaddr !== ZERO) flags |= BROADCAST_FLAG; // §4.3.2: relay must broadcast a NAK
  } else {
    const p = ctx.pool;
    if (p && d.yiaddr !== null) options.push(...leaseOptions(p));
    if (p && (d.yiaddr !== null || ('inform' in d && d.inform))) options.push(...netOptions(p));
    const b = d.boot;
    if (b) {
      file = b.kind === 'tftp' ? b.file : b.url;
      // iPXE accepts a ProxyDHCP reply only with "PXE options": next-server set and a
      // boot file name option (67), whatever the file's protocol (iPXE dhcp_has_pxeopts).
      const proxyReply = d.yiaddr === null && f.pxeClient;
      if (b.kind === 'tftp' || proxyReply) siaddr = ctx.serverId;
      // A PXE ROM only takes boot data from a reply that says PXEClient; UEFI HTTP boot wants HTTPClient back.
      // Not to iPXE with an address: iPXE takes any reply saying PXEClient as a ProxyDHCP offer too, and
      // without PXE options it then sends ProxyDHCPREQUESTs to port 4011, which nobody answers in server
      // mode: seconds of retries before its script (iPXE dhcp_request_rx). The ACK's file is enough for iPXE.
      const ipxeWithAddress = f.ipxe && d.yiaddr !== null;
      if (ipxeWithAddress) options.push(optRaw(Opt.ipxe, IPXE_NO_PXEDHCP));
      if (f.httpClient) options.push(optText(Opt.vendorClass, 'HTTPClient'));
      else if (f.pxeClient && !ipxeWithAddress) {
        options.push(optText(Opt.vendorClass, 'PXEClient'));
        if (!f.ipxe || proxyReply) options.push(optRaw(Opt.vendorSpecific, PXE_USE_BOOTFILE));
      }
      const prl = f.options.paramRequestList ?? [];
      if (b.kind === 'tftp' && prl.includes(Opt.tftpServer)) options.push(optText(Opt.tftpServer, ctx.serverId));
      if (prl.includes(Opt.bootfileName) || file.length > 127 || proxyReply) options.push(optText(Opt.bootfileName, file));
      const uuid = getOption(req, Opt.clientUuid);
      if (uuid && f.pxeClient) options.push(optRaw(Opt.clientUuid, uuid)); // PXE 2.1: echo the client's UUID
      if (file.length > 127) file = '';
    }
  }
  const agent = getOption(req, Opt.relayAgent);
  if (agent) options.push(optRaw(Opt.relayAgent, agent)); // RFC 3046 §2.2: echo, last
  return {
    op: 2,
    htype: req.htype,
    hlen: req.hlen,
    hops: 0,
    xid: req.xid,
    secs: 0,
    flags,
    ciaddr: d.kind === 'ack' && req.ciaddr !== ZERO ? req.ciaddr : ZERO,
    yiaddr: d.kind === 'nak' ? ZERO : d.yiaddr ?? ZERO,
    siaddr,
    giaddr: req.giaddr,
    chaddr: req.chaddr,
    sname: '',
    file,
    options,
    trailer: NO_BYTES,
  };
}

/**
 * RFC 2131 §4.1: relayed → the relay's port 67; NAK → broadcast; ciaddr set → unicast to it; else broadcast.
 * Unicast to an unconfigured client (broadcast bit clear) would need an ARP entry Node cannot add, so it is
 * broadcast too; every client accepts that.
 */
export function replyDestination(req: DhcpMessage, kind: 'offer' | 'ack' | 'nak', ctx: ReplyContext): Destination {
  const client = ctx.clientPort ?? 68;
  if (req.giaddr !== ZERO) return { address: req.giaddr, port: ctx.relayPort ?? 67 };
  if (ctx.port !== (ctx.serverPort ?? 67)) return { address: ctx.from.address, port: ctx.from.port };
  if (kind !== 'nak' && req.ciaddr !== ZERO) return { address: req.ciaddr, port: client };
  return { address: '255.255.255.255', port: client };
}

// DHCP policy: facts + node + address view → a decision value (offer | ack | nak | ignore | record). Pure.
import { chooseBootFile, defaultBootTable, type BootRule, type BootServer, type BootTarget } from '../boot/bootfile.js';
import type { NodeState } from '../cluster/nodes.js';
import type { EventLevel } from '../events/event.js';
import { isBootClient, type ClientFacts } from './facts.js';
import type { AddressView } from './lease-table.js';

export type DhcpMode = 'proxy' | 'server' | 'off';

/** What the policy needs to know about a node; the lead's node store provides it. */
export interface BootNode {
  id: string;
  name: string;
  state: NodeState;
  allowNetboot: boolean;
  /** reserved address (server mode) */
  ip?: string | null;
}

/** Node lookup, injected by the composition root. */
export interface BootDirectory {
  /** A cached answer may come back synchronously: the packet then needs no promise. */
  lookup(mac: string): BootNode | null | Promise<BootNode | null>;
  /**
   * An unknown MAC asked to netboot: record it as `discovered`. Returns the node to boot now when the
   * enrol policy is `auto` (the directory enrolled it), else null (the client is ignored).
   */
  discovered(mac: string, facts: ClientFacts): BootNode | null | Promise<BootNode | null>;
}

export type Decision =
  | { kind: 'offer'; yiaddr: string | null; boot: BootTarget | null }
  | { kind: 'ack'; yiaddr: string | null; boot: BootTarget | null; inform?: boolean }
  | { kind: 'nak'; reason: string }
  | { kind: 'record'; op: 'decline' | 'release'; ip: string }
  | { kind: 'ignore'; reason: string; level: EventLevel; forgetOffer?: boolean };

export interface PolicyInput {
  mode: DhcpMode;
  facts: ClientFacts;
  /** 'dhcp' = port 67; 'pxe' = port 4011, the PXE boot-server exchange (PXE 2.1 §2.2.4) */
  via: 'dhcp' | 'pxe';
  serverId: string;
  server: BootServer;
  table?: readonly BootRule[];
  /** after lookup / discovered(); null = unknown and not admitted */
  node: BootNode | null;
  /** server mode: the client's address situation in its pool; null = no pool serves its subnet */
  address: AddressView | null;
}

const ignore = (reason: string, level: EventLevel = 'debug', forgetOffer = false): Decision =>
  forgetOffer ? { kind: 'ignore', reason, level, forgetOffer } : { kind: 'ignore', reason, level };

/** Checks that need no lookup: lets the server skip the directory for packets that are not ours. */
export function screen(i: Pick<PolicyInput, 'mode' | 'facts' | 'via' | 'serverId'>): Decision | null {
  const f = i.facts;
  if (i.mode === 'off') return ignore('dhcp mode is off');
  if (f.typeNumber === null) return ignore('BOOTP request without option 53: not served');
  if (f.type === null) return ignore(`unknown DHCP message type ${f.typeNumber}`);
  if (f.type === 'OFFER' || f.type === 'ACK' || f.type === 'NAK') return ignore(`${f.type} is a server message`);
  if (i.mode === 'proxy') {
    if (!isBootClient(f)) return ignore('not a PXE/HTTP/iPXE client (proxy mode)');
    // On 67 a proxy answers DISCOVERs only; its REQUESTs come to 4011 (PXE 2.1 §2.2.3). A naive client that
    // REQUESTs our address-less offer on 67 must not be ACKed into 0.0.0.0.
    if (i.via === 'dhcp' && f.type !== 'DISCOVER') return ignore(`proxy mode: ${f.type} on port 67 is for the address server`);
    if (i.via === 'pxe' && f.type !== 'REQUEST' && f.type !== 'INFORM') return ignore(`proxy mode: ${f.type} on the boot-server port`);
    return null;
  }
  if (f.type === 'REQUEST' && f.serverId !== null && f.serverId !== i.serverId) {
    return ignore(`client chose server ${f.serverId}`, 'debug', true);
  }
  return null;
}

/** Whether this node may have an answer at all, and may netboot. */
function nodeVerdict(f: ClientFacts, node: BootNode | null): { ok: true; netboot: boolean } | { ok: false; d: Decision } {
  if (node === null) return { ok: false, d: ignore(isBootClient(f) ? 'unknown MAC: recorded as discovered, not enrolled' : 'unknown MAC', 'info') };
  if (node.state === 'removed') return { ok: false, d: ignore(`node ${node.name} is removed: netboot refused`, 'warn') };
  if (node.state === 'discovered') return { ok: false, d: ignore(`node ${node.name} is discovered, not enrolled`, 'info') };
  // drained nodes boot normally (DESIGN §2: drain is a cordon); allowNetboot=false stops boot loops after a boot-once.
  return { ok: true, netboot: node.allowNetboot };
}

export function decide(i: PolicyInput): Decision {
  const pre = screen(i);
  if (pre) return pre;
  const f = i.facts;
  const v = nodeVerdict(f, i.node);
  if (!v.ok) return v.d;
  const boots = isBootClient(f);
  let boot: BootTarget | null = null;
  if (boots) {
    if (!v.netboot) {
      if (i.mode === 'proxy') return ignore(`node ${i.node!.name}: netboot disabled`, 'info');
    } else {
      boot = chooseBootFile(f, i.server, i.table ?? defaultBootTable);
      if (boot === null) return ignore(`no boot file for arch ${f.arch ?? 'none'} (${f.vendorClass ?? 'no vendor class'})`, 'warn');
    }
  }
  if (i.mode === 'proxy') {
    if (boot === null) return ignore('nothing to boot', 'info');
    return f.type === 'DISCOVER' ? { kind: 'offer', yiaddr: null, boot } : { kind: 'ack', yiaddr: null, boot };
  }
  return serverDecision(i, f, boot);
}

/** Server mode, RFC 2131 §4.3. */
function serverDecision(i: PolicyInput, f: ClientFacts, boot: BootTarget | null): Decision {
  const a = i.address;
  switch (f.type) {
    case 'DISCOVER':
      if (!a) return ignore(`no pool for ${f.relay ? `relay ${f.relay.giaddr}` : 'this subnet'}`, 'warn');
      if (!a.proposal) return ignore(`pool ${a.pool.id} exhausted`, 'warn');
      return { kind: 'offer', yiaddr: a.proposal, boot };
    case 'REQUEST': {
      const selecting = f.serverId !== null; // screen() dropped other servers' ids
      const want = f.requestedIp ?? f.ciaddr;
      if (!a) return selecting ? { kind: 'nak', reason: 'no pool for this subnet' } : ignore('no pool for this subnet');
      if (want === null) return { kind: 'nak', reason: 'REQUEST names no address' };
      const own = a.owner(want);
      if (own === 'outside') return { kind: 'nak', reason: `${want} is not on ${a.pool.id}` };
      if (a.current !== null && want !== a.current) return { kind: 'nak', reason: `client's address here is ${a.current}, not ${want}` };
      if (own === 'other') return { kind: 'nak', reason: `${want} belongs to another client` };
      if (own === 'self' || selecting || a.current === want) return { kind: 'ack', yiaddr: want, boot };
      // INIT-REBOOT / RENEW for an address we have no record of: stay silent (RFC 2131 §4.3.2).
      return ignore(`no record of ${f.mac} at ${want}`);
    }
    case 'DECLINE':
      if (!a || !f.requestedIp || a.owner(f.requestedIp) !== 'self') return ignore('DECLINE for an address the client does not hold');
      return { kind: 'record', op: 'decline', ip: f.requestedIp };
    case 'RELEASE':
      if (!a || !f.ciaddr || a.owner(f.ciaddr) !== 'self') return ignore('RELEASE for an address the client does not hold');
      return { kind: 'record', op: 'release', ip: f.ciaddr };
    case 'INFORM':
      // RFC 2131 §3.4: configuration only; no lease, no yiaddr.
      return { kind: 'ack', yiaddr: null, boot, inform: true };
    default:
      return ignore(`unexpected ${f.type}`);
  }
}

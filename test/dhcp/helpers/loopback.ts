// In-process DHCP exchanges over loopback: the server on 127.0.0.1 with moved ports, a test client that poses
// as a relay (giaddr 127.0.0.1) so replies come back to it by unicast.
import { createSocket, type Socket } from 'node:dgram';
import { decodeDhcp, encodeDhcp, type DhcpMessage, type DhcpOption } from '../../../src/dhcp/codec.js';
import { Opt, optIp, optRaw, optText, optU8 } from '../../../src/dhcp/options.js';
import type { BootEventInput, EventSink } from '../../../src/events/event.js';

export class RecordingSink implements EventSink {
  events: BootEventInput[] = [];
  emit(ev: BootEventInput): void {
    this.events.push(ev);
  }
  stage(stage: string, mac?: string): BootEventInput[] {
    return this.events.filter((e) => e.stage === stage && (mac === undefined || e.mac === mac));
  }
}

export interface RequestSpec {
  type: number;
  mac: string;
  xid?: number;
  giaddr?: string;
  ciaddr?: string;
  requested?: string;
  serverId?: string;
  arch?: number;
  vendorClass?: string;
  userClass?: string;
  agent?: Buffer;
  flags?: number;
}

export function request(s: RequestSpec): DhcpMessage {
  const options: DhcpOption[] = [optU8(Opt.messageType, s.type)];
  if (s.requested) options.push(optIp(Opt.requestedIp, s.requested));
  if (s.serverId) options.push(optIp(Opt.serverId, s.serverId));
  if (s.arch !== undefined) options.push(optRaw(Opt.clientArch, Buffer.from([s.arch >> 8, s.arch & 255])));
  if (s.vendorClass) options.push(optText(Opt.vendorClass, s.vendorClass));
  if (s.userClass) options.push(optText(Opt.userClass, s.userClass));
  if (s.agent) options.push(optRaw(Opt.relayAgent, s.agent));
  const chaddr = Buffer.alloc(16);
  Buffer.from(s.mac.replace(/:/g, ''), 'hex').copy(chaddr);
  return {
    op: 1, htype: 1, hlen: 6, hops: 0, xid: s.xid ?? Math.floor(Math.random() * 2 ** 32), secs: 0, flags: s.flags ?? 0,
    ciaddr: s.ciaddr ?? '0.0.0.0', yiaddr: '0.0.0.0', siaddr: '0.0.0.0', giaddr: s.giaddr ?? '127.0.0.1',
    chaddr, sname: '', file: '', options, trailer: Buffer.alloc(0),
  };
}

export class TestClient {
  private readonly inbox: DhcpMessage[] = [];
  private waiting: ((m: DhcpMessage) => void) | null = null;
  private constructor(readonly sock: Socket, readonly port: number) {
    sock.on('message', (buf) => {
      let m: DhcpMessage;
      try {
        m = decodeDhcp(buf);
      } catch {
        return;
      }
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(m);
      } else this.inbox.push(m);
    });
  }
  static async open(): Promise<TestClient> {
    // 4 MiB: a group commit releases its ACKs together, and a test sending hundreds of REQUESTs reads them as one burst.
    const sock = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    return new TestClient(sock, sock.address().port);
  }
  send(raw: Buffer | DhcpMessage, port: number): void {
    this.sock.send(Buffer.isBuffer(raw) ? raw : encodeDhcp(raw), port, '127.0.0.1');
  }
  /** the next reply, or null after ms */
  next(ms = 1000): Promise<DhcpMessage | null> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve) => {
      const timer = setTimeout(() => ((this.waiting = null), resolve(null)), ms);
      this.waiting = (msg) => (clearTimeout(timer), resolve(msg));
    });
  }
  async exchange(req: DhcpMessage, port: number, ms = 1000): Promise<DhcpMessage | null> {
    this.send(req, port);
    return this.next(ms);
  }
  close(): Promise<void> {
    return new Promise((r) => this.sock.close(() => r()));
  }
}

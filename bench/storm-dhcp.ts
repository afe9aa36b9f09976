// Boot-storm DHCP: many simulated PXE/iPXE clients behind one simulated relay
// (RFC 1542 §4: giaddr set, unicast to the server's port 67, replies come back
// to giaddr:67), encoded with the project's own codec (src/dhcp/codec.ts).
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { decodeDhcp, encodeDhcp, getOption, type DhcpMessage, type DhcpOption } from '../src/dhcp/codec.js';
import { MsgType, Opt, ipFrom, optIp, optRaw, optText, optU8 } from '../src/dhcp/options.js';

export interface Lease {
  ip: string;
  serverId: string;
  /** BOOTP file field, or option 67 when the file field is empty */
  bootfile: string;
  /** siaddr, or option 66, or the server id */
  nextServer: string;
}

/** `pxe`: UEFI x64 firmware (option 93 = 7, PXEClient); `ipxe`: the same machine's iPXE (user class "iPXE", RFC 3004). */
export type ClientKind = 'pxe' | 'ipxe';

const ZERO = '0.0.0.0';
// PXE 2.1 §2.2.1 and RFC 2131 §4.1: retransmit after 4, 8, 16, 32 s.
const RETRIES_MS = [4000, 8000, 16000, 32000];

export class DhcpRelay {
  private readonly pending = new Map<number, (m: DhcpMessage) => void>();
  private constructor(
    private readonly sock: dgram.Socket,
    private readonly giaddr: string,
    private readonly server: string,
  ) {
    sock.on('message', (buf) => {
      let m: DhcpMessage;
      try {
        m = decodeDhcp(buf);
      } catch {
        return;
      }
      if (m.op === 2) this.pending.get(m.xid)?.(m);
    });
  }

  /** Binds giaddr:67 (the relay's own address) and forwards to server:67. */
  static async open(giaddr: string, server: string): Promise<DhcpRelay> {
    const sock = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    await new Promise<void>((res, rej) => (sock.once('error', rej), sock.bind({ address: giaddr, port: 67 }, () => res())));
    return new DhcpRelay(sock, giaddr, server);
  }

  close(): void {
    this.sock.close();
  }

  /** One exchange with retransmission: resolves with the first reply of type `want` (or NAK), null after the last retry. */
  private exchange(msg: DhcpMessage, want: number): Promise<DhcpMessage | null> {
    const bytes = encodeDhcp(msg);
    return new Promise((resolve) => {
      let attempt = 0;
      let timer: NodeJS.Timeout;
      const send = () => {
        if (attempt >= RETRIES_MS.length) {
          this.pending.delete(msg.xid);
          resolve(null);
          return;
        }
        this.sock.send(bytes, 67, this.server);
        timer = setTimeout(send, RETRIES_MS[attempt++]);
      };
      this.pending.set(msg.xid, (m) => {
        const t = getOption(m, Opt.messageType)?.[0];
        if (t !== want && t !== MsgType.NAK) return;
        clearTimeout(timer);
        this.pending.delete(msg.xid);
        resolve(m);
      });
      send();
    });
  }

  /** DISCOVER → OFFER → REQUEST → ACK for one client; null when the server never completed it. */
  async dora(mac: Buffer, kind: ClientKind, uuid: Buffer): Promise<Lease | null> {
    for (let round = 0; round < 3; round++) {
      const xid = randomInt(1, 0x7fffffff);
      const offer = await this.exchange(this.request(mac, xid, kind, uuid, MsgType.DISCOVER, []), MsgType.OFFER);
      if (!offer || getOption(offer, Opt.messageType)?.[0] !== MsgType.OFFER) return null;
      const sid = getOption(offer, Opt.serverId);
      if (!sid) return null;
      const serverId = ipFrom(sid);
      const ack = await this.exchange(
        this.request(mac, xid, kind, uuid, MsgType.REQUEST, [optIp(Opt.requestedIp, offer.yiaddr), optIp(Opt.serverId, serverId)]),
        MsgType.ACK,
      );
      if (!ack) return null;
      if (getOption(ack, Opt.messageType)?.[0] === MsgType.NAK) continue; // RFC 2131 §3.1 step 5: start again
      const opt67 = getOption(ack, Opt.bootfileName)?.toString('latin1').replace(/\0.*$/, '') ?? '';
      const opt66 = getOption(ack, Opt.tftpServer)?.toString('latin1').replace(/\0.*$/, '') ?? '';
      return {
        ip: ack.yiaddr,
        serverId,
        bootfile: ack.file || opt67,
        nextServer: ack.siaddr !== ZERO ? ack.siaddr : opt66 || serverId,
      };
    }
    return null;
  }

  private request(mac: Buffer, xid: number, kind: ClientKind, uuid: Buffer, type: number, extra: DhcpOption[]): DhcpMessage {
    const chaddr = Buffer.alloc(16);
    mac.copy(chaddr);
    const options: DhcpOption[] = [
      optU8(Opt.messageType, type),
      ...extra,
      optRaw(Opt.maxMessageSize, Buffer.from([0x05, 0xc0])), // 1472
      // PXE 2.1 / RFC 4578: UEFI x64 (arch 7), UNDI 3.16, the machine's UUID.
      optRaw(Opt.clientArch, Buffer.from([0, 7])),
      optRaw(Opt.clientNdi, Buffer.from([1, 3, 16])),
      optRaw(Opt.clientUuid, Buffer.concat([Buffer.from([0]), uuid])),
      optText(Opt.vendorClass, kind === 'pxe' ? 'PXEClient:Arch:00007:UNDI:003016' : 'PXEClient:Arch:00007:UNDI:003010'),
      ...(kind === 'ipxe' ? [optRaw(Opt.userClass, Buffer.from('iPXE', 'latin1'))] : []),
      optRaw(Opt.paramRequestList, Buffer.from([1, 3, 6, 12, 15, 17, 43, 54, 60, 66, 67, 97, 128, 175])),
    ];
    return {
      op: 1,
      htype: 1,
      hlen: 6,
      hops: 1,
      xid,
      secs: 0,
      flags: 0,
      ciaddr: ZERO,
      yiaddr: ZERO,
      siaddr: ZERO,
      giaddr: this.giaddr,
      chaddr,
      sname: '',
      file: '',
      options,
      trailer: Buffer.alloc(0),
    };
  }
}

// Server response times seen on the wire (tcpdump on the boot bridge), the same
// way for every boot server: HTTP request → first response byte → last byte,
// DHCP DISCOVER → OFFER and REQUEST → ACK (by xid), TFTP RRQ → first reply.
// Neither server's own log is trusted for timing: pbxboot logs a file request
// when it starts, a static server when it ends; the wire shows both alike.
import type { ResultPromise } from 'execa';
import type { BootLan } from './boot-lan.js';

export interface HttpTx {
  t: number; // epoch ms of the request's first packet
  conn: string;
  method: string;
  path: string;
  status: number | null;
  firstByte: number | null; // epoch ms of the first response packet
  end: number | null; // epoch ms of the response's last new byte (retransmissions do not count)
  seqEnd: number; // highest relative TCP sequence number sent so far on the response
}
export interface UdpTx {
  kind: 'discover' | 'request' | 'rrq';
  t: number;
  reply: number | null; // epoch ms of the first answer
  what: string; // xid or file name
}
export interface WireTiming {
  http: HttpTx[];
  udp: UdpTx[];
}

const head = /^(\d+\.\d+) IP /;
const addrs = /^\s+(\S+) > (\S+?):/;

/** Parses `tcpdump -tt -n -l -v` text (packets start with a timestamp line, then indented lines). */
export function parseTcpdump(text: string, server: string, httpPort: number): WireTiming {
  const blocks: { t: number; lines: string[] }[] = [];
  for (const line of text.split('\n')) {
    const m = head.exec(line);
    if (m) blocks.push({ t: Math.round(Number(m[1]) * 1000), lines: [] });
    else if (blocks.length) blocks.at(-1)!.lines.push(line);
  }
  const http: HttpTx[] = [];
  const udp: UdpTx[] = [];
  const current = new Map<string, HttpTx>(); // conn → request being answered
  const srvHttp = `${server}.${httpPort}`;
  for (const b of blocks) {
    const a = addrs.exec(b.lines[0] ?? '');
    if (!a) continue;
    const [, src, dst] = a as unknown as [string, string, string];
    const payload = Number(/, length (\d+)/.exec(b.lines[0]!)?.[1] ?? 0);
    const body = b.lines.slice(1);
    if (dst === srvHttp && payload > 0) {
      const req = body.map((l) => /^\s+(GET|POST|HEAD|PUT|DELETE) (\S+) HTTP\/1\.[01]/.exec(l)).find(Boolean);
      if (req) {
        const tx: HttpTx = { t: b.t, conn: src, method: req[1]!, path: req[2]!.replace(/token=[^&]+/, 'token=…'), status: null, firstByte: null, end: null, seqEnd: 0 };
        http.push(tx);
        current.set(src, tx);
      }
    } else if (src === srvHttp && payload > 0) {
      const tx = current.get(dst);
      if (tx) {
        tx.firstByte ??= b.t;
        // A client that boots the kernel stops ACKing; the server then retransmits the tail
        // after the guest already runs it. Only a segment carrying new bytes moves `end`.
        const hi = Number(/seq \d+:(\d+)/.exec(b.lines[0]!)?.[1] ?? 0);
        if (hi > tx.seqEnd || tx.end === null) (tx.end = b.t), (tx.seqEnd = Math.max(hi, tx.seqEnd));
        const st = body.map((l) => /^\s+HTTP\/1\.[01] (\d{3})/.exec(l)).find(Boolean);
        if (st && tx.status === null) tx.status = Number(st[1]);
      }
    } else if (b.lines[0]!.includes('BOOTP/DHCP')) {
      const xid = /xid (0x[0-9a-f]+)/.exec(b.lines[0]!)?.[1] ?? '';
      const type = body.map((l) => /DHCP-Message \(53\), length 1: (\w+)/.exec(l)).find(Boolean)?.[1];
      if (type === 'Discover' || type === 'Request') udp.push({ kind: type === 'Discover' ? 'discover' : 'request', t: b.t, reply: null, what: xid });
      const answers = type === 'Offer' ? 'discover' : type === 'ACK' || type === 'NACK' ? 'request' : null;
      if (answers) for (const u of udp) if (u.kind === answers && u.what === xid && u.reply === null) u.reply = b.t;
    } else if (/ RRQ "/.test(b.lines[0]!) && dst.startsWith(`${server}.`)) {
      udp.push({ kind: 'rrq', t: b.t, reply: null, what: `${src} ${/RRQ "([^"]*)"/.exec(b.lines[0]!)![1]}` });
    } else if (src.startsWith(`${server}.`)) {
      for (const u of udp) if (u.kind === 'rrq' && u.reply === null && u.what.startsWith(`${dst} `)) u.reply = b.t;
    }
  }
  return { http, udp };
}

/** The server's own share up to `until`: every response latency summed (a client's think time is not in it). */
export function serverShare(w: WireTiming, until: number): { httpMs: number; dhcpMs: number; tftpMs: number; totalMs: number; requests: number } {
  const http = w.http.filter((h) => h.t <= until && h.firstByte !== null).reduce((s, h) => s + (h.firstByte! - h.t), 0);
  const sum = (k: UdpTx['kind']) => w.udp.filter((u) => u.kind === k && u.t <= until && u.reply !== null).reduce((s, u) => s + (u.reply! - u.t), 0);
  const dhcp = sum('discover') + sum('request');
  const tftp = sum('rrq');
  const requests = w.http.filter((h) => h.t <= until).length + w.udp.filter((u) => u.t <= until && u.reply !== null).length;
  return { httpMs: http, dhcpMs: dhcp, tftpMs: tftp, totalMs: http + dhcp + tftp, requests };
}

/** tcpdump on the LAN's bridge until stop(); stop() returns the parsed timings. */
export function captureWire(lan: BootLan, httpPort: number): { stop(): Promise<WireTiming> } {
  const p: ResultPromise = lan.spawn('tcpdump', ['-i', lan.bridge, '-tt', '-n', '-l', '-v', `udp or tcp port ${httpPort}`]);
  let text = '';
  p.stdout?.on('data', (d: Buffer) => (text += d.toString('latin1')));
  return {
    async stop() {
      await new Promise((r) => setTimeout(r, 300)); // the last packets' lines
      p.kill('SIGTERM');
      await p.catch(() => undefined);
      return parseTcpdump(text, lan.serverIp, httpPort);
    },
  };
}

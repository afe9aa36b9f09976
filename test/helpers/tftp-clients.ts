// Real TFTP clients for the tests (tftp-hpa, atftp, npm tftp2), a raw packet-level client and a lossy UDP proxy.
import { execa } from 'execa';
import dgram from 'node:dgram';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { decodePacket, encodePacket, type TftpOptions, type TftpPacket } from '../../src/tftp/packet.js';

export const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
export const shaFile = (p: string) => sha(readFileSync(p));

/** Fails (never skips) when a real client is missing. */
export async function requireTools(): Promise<void> {
  for (const [bin, pkg] of [
    ['atftp', 'atftp'],
    ['tftp', 'tftp-hpa'],
  ] as const) {
    const r = await execa('sh', ['-c', `command -v ${bin}`], { reject: false });
    if (r.exitCode !== 0) throw new Error(`${bin} is missing: install the Debian package ${pkg} (scripts/test-deps.sh)`);
  }
}

export function atftpGet(host: string, port: number, remote: string, local: string, options: Record<string, string> = {}) {
  const args = Object.entries(options).flatMap(([k, v]) => ['--option', `${k} ${v}`]);
  return execa('atftp', [...args, '-g', '-r', remote, '-l', local, host, String(port)], { reject: false, timeout: 60_000 });
}

export function tftpHpaGet(host: string, port: number, remote: string, local: string, mode: 'binary' | 'ascii' = 'binary') {
  return execa('tftp', [host, String(port), '-m', mode, '-c', 'get', remote, local], { reject: false, timeout: 60_000 });
}

interface Tftp2Client {
  read(file: string, push: (b: Buffer) => void, done: () => void): Promise<void>;
  close(): void;
}
const require = createRequire(import.meta.url);
const tftp2 = require('tftp2') as (host: string, port: number) => Tftp2Client;

/** npm tftp2 0.0.1: lock-step, 512-byte blocks, no options, no retransmission, no timeout of its own. */
export function tftp2Get(host: string, port: number, file: string, timeoutMs = 10_000): Promise<Buffer> {
  const c = tftp2(host, port);
  const parts: Buffer[] = [];
  return new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => {
      c.close();
      reject(new Error('tftp2 client timed out'));
    }, timeoutMs);
    c.read(file, (b) => void parts.push(Buffer.from(b)), () => {
      clearTimeout(timer);
      c.close();
      resolve(Buffer.concat(parts));
    }).catch(reject);
  });
}

/** A packet-level client: sends `first` and collects what comes back until `until` says stop. */
export async function rawExchange(
  opts: { host: string; port: number; bind?: string },
  first: TftpPacket,
  onPacket: (p: TftpPacket, reply: (p: TftpPacket) => void, from: dgram.RemoteInfo, sock: dgram.Socket) => 'continue' | 'stop',
  timeoutMs = 3000,
): Promise<{ packets: TftpPacket[]; timedOut: boolean; sock: dgram.Socket }> {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind({ address: opts.bind ?? '127.0.0.1', port: 0 }, () => r()));
  const packets: TftpPacket[] = [];
  return new Promise((resolve) => {
    const finish = (timedOut: boolean) => {
      clearTimeout(timer);
      setTimeout(() => sock.close(), 20); // let a last reply leave before closing
      resolve({ packets, timedOut, sock });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    sock.on('message', (msg, rinfo) => {
      let p: TftpPacket;
      try {
        p = decodePacket(msg);
      } catch {
        return;
      }
      packets.push(p);
      const reply = (q: TftpPacket) => sock.send(encodePacket(q), rinfo.port, rinfo.address);
      if (onPacket(p, reply, rinfo, sock) === 'stop') finish(false);
    });
    sock.send(encodePacket(first), opts.port, opts.host);
  });
}

/** Fetches a file with a packet-level windowed client; returns the bytes or throws on ERROR. */
export async function rawGet(host: string, port: number, file: string, options: TftpOptions, hook?: (tid: dgram.RemoteInfo) => void) {
  const blksize = Number(options.find(([k]) => k === 'blksize')?.[1] ?? 512);
  const windowsize = Number(options.find(([k]) => k === 'windowsize')?.[1] ?? 1);
  const parts: Buffer[] = [];
  let expect = 1;
  let inWindow = 0;
  let hooked = false;
  let error: TftpPacket | null = null;
  const r = await rawExchange({ host, port }, { op: 'RRQ', filename: file, mode: 'octet', options }, (p, reply, from) => {
    if (!hooked && hook) {
      hooked = true;
      hook(from);
    }
    if (p.op === 'OACK') reply({ op: 'ACK', block: 0 });
    if (p.op === 'ERROR') {
      error = p;
      return 'stop';
    }
    if (p.op === 'DATA' && p.block === (expect & 0xffff)) {
      parts.push(Buffer.from(p.data));
      expect++;
      inWindow++;
      const last = p.data.length < blksize;
      if (last || inWindow === windowsize) {
        reply({ op: 'ACK', block: p.block });
        inWindow = 0;
      }
      if (last) return 'stop';
    } else if (p.op === 'DATA') {
      // Out of order or a duplicate: acknowledge the last block received in order (RFC 7440 §4), so a lost ACK is repaired.
      reply({ op: 'ACK', block: (expect - 1) & 0xffff });
      inWindow = 0;
    }
    return 'continue';
  }, 10_000);
  if (error) throw Object.assign(new Error(`TFTP error ${(error as { code: number }).code}`), { packet: error });
  if (r.timedOut) throw new Error('raw client timed out');
  return Buffer.concat(parts);
}

/**
 * A UDP proxy that drops every `dropEvery`-th datagram (both directions). One upstream socket per client
 * flow learns the server's per-transfer TID from its first reply, so the client only ever sees the proxy.
 */
export async function startLossyProxy(target: { host: string; port: number }, dropEvery: number) {
  const front = dgram.createSocket('udp4');
  const flows = new Map<string, { up: dgram.Socket; tid: number | null }>();
  let n = 0;
  let dropped = 0;
  const pass = () => {
    n++;
    if (n % dropEvery === 0) {
      dropped++;
      return false;
    }
    return true;
  };
  front.on('message', (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let f = flows.get(key);
    if (!f) {
      const up = dgram.createSocket('udp4');
      const flow: { up: dgram.Socket; tid: number | null } = { up, tid: null };
      up.bind({ address: '127.0.0.1', port: 0 });
      up.on('message', (m, from) => {
        flow.tid ??= from.port;
        if (pass()) front.send(m, rinfo.port, rinfo.address);
      });
      flows.set(key, flow);
      f = flow;
    }
    if (pass()) f.up.send(msg, f.tid ?? target.port, target.host);
  });
  await new Promise<void>((r) => front.bind({ address: '127.0.0.1', port: 0 }, () => r()));
  return {
    port: front.address().port,
    get dropped() {
      return dropped;
    },
    close() {
      for (const f of flows.values()) f.up.close();
      front.close();
    },
  };
}

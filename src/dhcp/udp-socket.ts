// The DHCP server's UDP sockets: batched (native recvmmsg/sendmmsg, native/udp-io/udp_batch.c) when the addon is
// built, node:dgram otherwise. Both bind with SO_REUSEADDR and SO_BROADCAST, as 0.0.0.0:67 and <interface>:67 share a port.
import { createSocket, type Socket } from 'node:dgram';
import { BATCH_SLOT_BYTES, BATCH_SLOTS, nativeAddon } from '../native/addon.js';
import { intToIp, ipToInt } from './pool.js';

export interface Peer {
  address: string;
  port: number;
}

export interface DhcpSocket {
  /** 'native' (batched) or 'dgram' */
  readonly engine: 'native' | 'dgram';
  /** `buf` is the caller's to keep. */
  onMessage(fn: (buf: Buffer, from: Peer) => void): void;
  /** Send errors are reported, never thrown (a reply the kernel refuses must not stop the server), with the
   *  destination and the datagram that was refused; socket errors without them. */
  onError(fn: (err: Error, to?: Peer, datagram?: Buffer) => void): void;
  send(buf: Buffer, to: Peer): void;
  recvBufferSize(): number;
  close(): Promise<void>;
}

export async function openDhcpSocket(address: string, port: number, recvBufferSize: number, batched = true): Promise<DhcpSocket> {
  const addon = batched ? nativeAddon() : null;
  return addon ? nativeSocket(addon, address, port, recvBufferSize) : dgramSocket(address, port, recvBufferSize);
}

// Relays and clients repeat: their addresses are converted once (bounded, so a spoofed flood cannot grow it).
function cached<K, V>(f: (k: K) => V): (k: K) => V {
  const m = new Map<K, V>();
  return (k) => {
    let v = m.get(k);
    if (v === undefined) {
      if (m.size >= 4096) m.clear();
      m.set(k, (v = f(k)));
    }
    return v;
  };
}

function nativeSocket(addon: NonNullable<ReturnType<typeof nativeAddon>>, address: string, port: number, rcvbuf: number): DhcpSocket {
  let onMsg: (buf: Buffer, from: Peer) => void = () => {};
  let onErr: (err: Error, to?: Peer, datagram?: Buffer) => void = () => {};
  const ipOf = cached(intToIp);
  const intOf = cached(ipToInt);
  let rx: Buffer;
  let meta: Uint32Array;
  const { handle, rx: ab } = addon.openBatchSocket(
    address,
    port,
    rcvbuf,
    (n) => {
      for (let i = 0; i < n; i++) {
        const len = meta[i * 3]!;
        // A copy: the slot is refilled by the next batch while this message's handling may still await. A datagram
        // longer than a slot (far above what DHCP allows) keeps its length, so the decoder rejects it as too large.
        const buf = len > BATCH_SLOT_BYTES ? Buffer.alloc(len) : Buffer.allocUnsafe(len);
        rx.copy(buf, 0, i * BATCH_SLOT_BYTES, i * BATCH_SLOT_BYTES + Math.min(len, BATCH_SLOT_BYTES));
        try {
          onMsg(buf, { address: ipOf(meta[i * 3 + 1]!), port: meta[i * 3 + 2]! });
        } catch (err) {
          onErr(err as Error);
        }
      }
    },
    (message, ip, p, datagram) => onErr(new Error(message), { address: ip, port: p }, datagram),
  );
  rx = Buffer.from(ab, 0, BATCH_SLOTS * BATCH_SLOT_BYTES);
  meta = new Uint32Array(ab, BATCH_SLOTS * BATCH_SLOT_BYTES, BATCH_SLOTS * 3);
  let closed = false;
  return {
    engine: 'native',
    onMessage: (fn) => void (onMsg = fn),
    onError: (fn) => void (onErr = fn),
    send(buf, to) {
      if (closed) return onErr(new Error('socket closed'), to, buf);
      const ip = intOf(to.address);
      if (Number.isNaN(ip)) return onErr(new Error(`not an IPv4 address: ${to.address}`), to, buf);
      try {
        addon.batchSend(handle, buf, ip, to.port);
      } catch (err) {
        onErr(err as Error, to, buf);
      }
    },
    recvBufferSize: () => addon.batchInfo(handle).rcvbuf,
    async close() {
      if (closed) return;
      closed = true;
      addon.batchClose(handle); // queued replies are sent first
    },
  };
}

function dgramSocket(address: string, port: number, recvBufferSize: number): Promise<DhcpSocket> {
  return new Promise((resolve, reject) => {
    const s: Socket = createSocket({ type: 'udp4', reuseAddr: true, recvBufferSize });
    s.once('error', reject);
    s.bind({ address, port, exclusive: false }, () => {
      s.off('error', reject);
      s.setBroadcast(true);
      let onErr: (err: Error, to?: Peer, datagram?: Buffer) => void = () => {};
      s.on('error', (err) => onErr(err));
      // dgram sends complete later (after an address lookup): close waits for them, as the native engine flushes.
      let inflight = 0;
      let drained: (() => void) | null = null;
      let closing: Promise<void> | null = null;
      resolve({
        engine: 'dgram',
        onMessage: (fn) => void s.on('message', (buf, r) => fn(buf, { address: r.address, port: r.port })),
        onError: (fn) => void (onErr = fn),
        send(buf, to) {
          try {
            inflight++;
            s.send(buf, to.port, to.address, (err) => {
              if (err) onErr(err, to, buf);
              if (--inflight === 0) drained?.();
            });
          } catch (err) {
            inflight--; // refused before it was queued (a port of 0, say)
            onErr(err as Error, to, buf);
          }
        },
        recvBufferSize: () => s.getRecvBufferSize(),
        close: () =>
          (closing ??= (async () => {
            if (inflight > 0) await new Promise<void>((r) => (drained = r));
            await new Promise<void>((r) => s.close(() => r()));
          })()),
      });
    });
  });
}

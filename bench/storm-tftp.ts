// Boot-storm TFTP client, shaped like UEFI firmware's (OVMF): a tsize probe it
// aborts with error 8 (RFC 2347 §5), then the read with blksize 1468 and RFC
// 7440 windowsize 4; bound to the node's leased address, with retransmission.
import dgram from 'node:dgram';
import { createHash } from 'node:crypto';
import { decodePacket, encodePacket, type TftpOptions, type TftpPacket } from '../src/tftp/packet.js';

export interface TftpResult {
  bytes: number;
  sha256: string;
  /** options the server accepted in its OACK ({} = it ignored them) */
  oack: Record<string, string>;
  retransmits: number;
}

const TIMEOUT_MS = 1000; // firmware's first timeout; doubles per retry
const RETRIES = 6;

function openSocket(local: string): Promise<dgram.Socket> {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
  s.on('error', () => undefined); // a failed send is repaired by retransmission
  return new Promise((res, rej) => (s.once('error', rej), s.bind({ address: local, port: 0 }, () => res(s))));
}

/** The firmware's size probe: RRQ with tsize=0, then ERROR 8 once the OACK (or first DATA) arrives. */
async function probe(local: string, server: string, file: string): Promise<number> {
  const sock = await openSocket(local);
  let retransmits = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const rrq = encodePacket({ op: 'RRQ', filename: file, mode: 'octet', options: [['blksize', '1468'], ['tsize', '0']] });
      let tries = 0;
      let timer: NodeJS.Timeout;
      const send = () => {
        if (tries > RETRIES) return reject(new Error(`tsize probe of ${file}: no answer`));
        if (tries++) retransmits++;
        sock.send(rrq, 69, server);
        timer = setTimeout(send, TIMEOUT_MS * 2 ** (tries - 1));
      };
      let done = false;
      sock.on('message', (msg, from) => {
        if (done) return;
        let p: TftpPacket;
        try {
          p = decodePacket(msg);
        } catch {
          return;
        }
        done = true;
        clearTimeout(timer);
        if (p.op === 'ERROR') return reject(new Error(`tsize probe of ${file}: TFTP error ${p.code} ${p.message}`));
        sock.send(encodePacket({ op: 'ERROR', code: 8, message: 'probe done' }), from.port, from.address);
        resolve();
      });
      send();
    });
    // Let the ERROR leave before the socket closes.
    await new Promise((r) => setTimeout(r, 5));
  } finally {
    sock.close();
  }
  return retransmits;
}

export async function tftpGet(local: string, server: string, file: string, o: { windowsize: number; blksize: number }): Promise<TftpResult> {
  let retransmits = await probe(local, server, file);
  const sock = await openSocket(local);
  const hash = createHash('sha256');
  try {
    return await new Promise<TftpResult>((resolveP, rejectP) => {
      // Settled once: late duplicates (windowed servers retransmit a window) must not re-arm a timer.
      let settled = false;
      const resolve = (v: TftpResult) => ((settled = true), clearTimeout(timer), resolveP(v));
      const reject = (e: Error) => ((settled = true), clearTimeout(timer), rejectP(e));
      const options: TftpOptions = [['blksize', String(o.blksize)], ['windowsize', String(o.windowsize)]];
      let blksize = 512;
      let windowsize = 1;
      let oack: Record<string, string> = {};
      let tid: { port: number; address: string } | null = null;
      let expect = 1; // next block number wanted (not wrapped)
      let inWindow = 0;
      let bytes = 0;
      let last: Buffer = encodePacket({ op: 'RRQ', filename: file, mode: 'octet', options });
      let tries = 0;
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        if (settled) return;
        timer = setTimeout(() => {
          if (++tries > RETRIES) return reject(new Error(`TFTP ${file}: timed out at block ${expect}`));
          retransmits++;
          sock.send(last, tid?.port ?? 69, tid?.address ?? server);
          arm();
        }, TIMEOUT_MS * 2 ** tries);
      };
      const send = (p: TftpPacket) => {
        last = encodePacket(p);
        sock.send(last, tid!.port, tid!.address);
      };
      sock.on('message', (msg, from) => {
        if (settled) return;
        if (tid && (from.port !== tid.port || from.address !== tid.address)) return; // RFC 1350 §4: not our TID
        let p: TftpPacket;
        try {
          p = decodePacket(msg);
        } catch {
          return;
        }
        tid ??= { port: from.port, address: from.address };
        if (p.op === 'ERROR') return (clearTimeout(timer), reject(new Error(`TFTP ${file}: error ${p.code} ${p.message}`)));
        if (p.op === 'OACK') {
          if (expect !== 1) return;
          oack = Object.fromEntries(p.options);
          blksize = Number(oack.blksize ?? 512);
          windowsize = Number(oack.windowsize ?? 1);
          tries = 0;
          send({ op: 'ACK', block: 0 });
          arm();
          return;
        }
        if (p.op !== 'DATA') return;
        if (p.block === (expect & 0xffff)) {
          hash.update(p.data);
          bytes += p.data.length;
          expect++;
          inWindow++;
          tries = 0;
          const end = p.data.length < blksize;
          if (end || inWindow >= windowsize) {
            send({ op: 'ACK', block: p.block });
            inWindow = 0;
          }
          if (end) {
            clearTimeout(timer);
            return resolve({ bytes, sha256: hash.digest('hex'), oack, retransmits });
          }
          arm();
        } else if (inWindow > 0 || ((expect - 1) & 0xffff) !== p.block) {
          // Out of order or a duplicate: acknowledge the last block in order (RFC 7440 §4) once per gap.
          send({ op: 'ACK', block: (expect - 1) & 0xffff });
          inWindow = 0;
          arm();
        }
      });
      sock.send(last, 69, server);
      arm();
    });
  } finally {
    // The last ACK must reach the server before the socket goes (it ends the transfer there).
    setTimeout(() => sock.close(), 50);
  }
}

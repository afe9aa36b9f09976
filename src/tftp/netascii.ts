// Netascii encoding for RFC 1350 "netascii" mode: Telnet NVT line endings (RFC 764): LF → CR LF, bare CR → CR NUL.

const CR = 13;
const LF = 10;

export function toNetascii(data: Uint8Array): Buffer {
  let extra = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === CR || data[i] === LF) extra++;
  if (extra === 0) return Buffer.from(data);
  const out = Buffer.allocUnsafe(data.length + extra);
  let o = 0;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b === LF) {
      out[o++] = CR;
      out[o++] = LF;
    } else if (b === CR) {
      out[o++] = CR;
      out[o++] = 0;
    } else out[o++] = b;
  }
  return out;
}

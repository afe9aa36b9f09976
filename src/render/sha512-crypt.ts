// SHA-512 crypt ("$6$", Ulrich Drepper's SHA-crypt specification), the hash
// ari.conf accepts with password_format=crypt. No installed package provides it
// (bcrypt-pbkdf is a different scheme), so it is written here on node:crypto.
import { createHash, randomBytes } from 'node:crypto';

const alphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** `len` bytes of `block` repeated (the spec's "sequence P/S" construction). */
function repeatTo(block: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i += block.length) block.copy(out, i, 0, Math.min(block.length, len - i));
  return out;
}

// Output byte order of the spec for SHA-512: 21 groups of three, then byte 63.
const order = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48],
  [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13],
  [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
] as const;

function b64(w: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++, w >>>= 6) s += alphabet[w & 0x3f];
  return s;
}

/** Hashes `password` with `salt` (at most 16 characters used) and `rounds` (default 5000, spec range 1000..999999999). */
export function sha512Crypt(password: string, salt: string, rounds?: number): string {
  const P = Buffer.from(password, 'utf8');
  const saltStr = salt.slice(0, 16);
  const S = Buffer.from(saltStr, 'utf8');
  const r = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, Math.floor(rounds)));

  const B = sha512(P, S, P);
  const a = createHash('sha512').update(P).update(S);
  a.update(repeatTo(B, P.length));
  for (let n = P.length; n > 0; n >>>= 1) a.update(n & 1 ? B : P);
  const A = a.digest();

  const DP = sha512(...Array.from({ length: P.length }, () => P));
  const Pseq = repeatTo(DP, P.length);
  const DS = sha512(...Array.from({ length: 16 + A[0]! }, () => S));
  const Sseq = repeatTo(DS, S.length);

  let C = A;
  for (let i = 0; i < r; i++) {
    const h = createHash('sha512');
    h.update(i & 1 ? Pseq : C);
    if (i % 3) h.update(Sseq);
    if (i % 7) h.update(Pseq);
    h.update(i & 1 ? C : Pseq);
    C = h.digest();
  }

  let out = '';
  for (const [x, y, z] of order) out += b64((C[x]! << 16) | (C[y]! << 8) | C[z]!, 4);
  out += b64(C[63]!, 2);
  const roundsPart = rounds === undefined ? '' : `rounds=${r}$`;
  return `$6$${roundsPart}${saltStr}$${out}`;
}

/** A fresh 16-character salt from the crypt alphabet. */
export function cryptSalt(): string {
  return [...randomBytes(16)].map((b) => alphabet[b & 0x3f]).join('');
}

/** Checks a password against a `$6$` hash (for tests and the daemon's sanity check). */
export function verifySha512Crypt(password: string, hash: string): boolean {
  const m = /^\$6\$(?:rounds=(\d+)\$)?([^$]{0,16})\$[./0-9A-Za-z]{86}$/.exec(hash);
  if (!m) return false;
  return sha512Crypt(password, m[2]!, m[1] === undefined ? undefined : Number(m[1])) === hash;
}

// Codec for the node bundle (GET /v1/boot/:node/bundle): a POSIX ustar archive
// the node agent (images/agent/pbxboot-agent.sh) unpacks with busybox tar and
// checks with `sha256sum -c SHA256SUMS`. Pure: no I/O.
//
// Format (the agent's header comment is the other half of this contract):
// - regular files only, at top level, names matching NAME_RE (no dirs, no links);
// - member SHA256SUMS first: "<hex>  <name>\n" for every other member;
// - member MANIFEST (optional): "key=value\n" lines (node, token, interval);
//   listed in SHA256SUMS, never installed into /etc/asterisk;
// - deterministic: fixed mtime 0, uid/gid 0, mode 0644, members sorted by name,
//   so the same files give the same bytes and the same ETag;
// - ETag = "\"" + sha256(SHA256SUMS text) + "\"" (the agent's fallback when a
//   response carries no ETag header).
import { createHash } from 'node:crypto';
import { PbxbootError } from '../errors.js';

export interface BundleFile {
  name: string;
  content: Buffer | string;
}

export interface EncodedBundle {
  body: Buffer;
  etag: string;
  /** the SHA256SUMS text inside the archive */
  sums: string;
}

export interface DecodedBundle {
  files: Map<string, Buffer>; // every member except SHA256SUMS and MANIFEST
  manifest: Record<string, string>;
  etag: string;
}

export const NAME_RE = /^[A-Za-z0-9._-]+$/;
const RESERVED = new Set(['SHA256SUMS', 'MANIFEST']);
const BLOCK = 512;

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

function checkName(name: string): void {
  // 99: the ustar name field is 100 bytes including the terminating NUL.
  if (!NAME_RE.test(name) || name === '.' || name === '..' || name.length > 99) {
    throw new PbxbootError('E_VALIDATION', `bundle file name not allowed: ${JSON.stringify(name)}`, { value: name });
  }
}

/** Octal field of `len` bytes: digits, zero-padded, NUL-terminated (POSIX ustar). */
function octal(n: number, len: number): string {
  return n.toString(8).padStart(len - 1, '0') + '\0';
}

function header(name: string, size: number): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, 'ascii');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii'); // uid
  h.write(octal(0, 8), 116, 'ascii'); // gid
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii'); // mtime: fixed for reproducible bytes
  h.write('        ', 148, 'ascii'); // checksum counts as spaces while summing
  h.write('0', 156, 'ascii'); // typeflag: regular file
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write('root', 265, 'ascii');
  h.write('root', 297, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

function member(name: string, data: Buffer): Buffer[] {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return [header(name, data.length), data, Buffer.alloc(pad, 0)];
}

export function encodeBundle(files: readonly BundleFile[], manifest: Record<string, string> = {}): EncodedBundle {
  const entries = new Map<string, Buffer>();
  for (const f of files) {
    checkName(f.name);
    if (RESERVED.has(f.name)) {
      throw new PbxbootError('E_VALIDATION', `bundle file name is reserved: ${f.name}`, { value: f.name });
    }
    if (entries.has(f.name)) throw new PbxbootError('E_VALIDATION', `duplicate bundle file: ${f.name}`, { value: f.name });
    entries.set(f.name, Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8'));
  }
  const mkeys = Object.keys(manifest).sort();
  if (mkeys.length > 0) {
    for (const k of mkeys) {
      const v = manifest[k] ?? '';
      if (!/^[A-Za-z0-9_.-]+$/.test(k) || /[\r\n]/.test(v)) {
        throw new PbxbootError('E_VALIDATION', `bad manifest entry: ${k}`, { value: k });
      }
    }
    entries.set('MANIFEST', Buffer.from(mkeys.map((k) => `${k}=${manifest[k] ?? ''}\n`).join(''), 'utf8'));
  }
  const names = [...entries.keys()].sort();
  const sums = names.map((n) => `${sha256(entries.get(n) as Buffer)}  ${n}\n`).join('');
  const parts: Buffer[] = [...member('SHA256SUMS', Buffer.from(sums, 'ascii'))];
  for (const n of names) parts.push(...member(n, entries.get(n) as Buffer));
  parts.push(Buffer.alloc(BLOCK * 2, 0)); // end-of-archive: two zero blocks
  return { body: Buffer.concat(parts), etag: `"${sha256(sums)}"`, sums };
}

function field(h: Buffer, off: number, len: number): string {
  const s = h.subarray(off, off + len).toString('ascii');
  const nul = s.indexOf('\0');
  return nul === -1 ? s : s.slice(0, nul);
}

/** Reads a bundle back and checks it the way the agent does (tests, `pbxboot render`). */
export function decodeBundle(body: Buffer): DecodedBundle {
  const raw = new Map<string, Buffer>();
  let off = 0;
  while (off + BLOCK <= body.length) {
    const h = body.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const name = field(h, 0, 100);
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    const type = field(h, 156, 1);
    if (type !== '0' && type !== '') throw new PbxbootError('E_VALIDATION', `bundle member is not a file: ${name}`, { value: name });
    checkName(name);
    if (!Number.isFinite(size) || off + BLOCK + size > body.length) {
      throw new PbxbootError('E_VALIDATION', `bundle member truncated: ${name}`, { value: name });
    }
    raw.set(name, Buffer.from(body.subarray(off + BLOCK, off + BLOCK + size)));
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  const sumsBuf = raw.get('SHA256SUMS');
  if (!sumsBuf) throw new PbxbootError('E_VALIDATION', 'bundle has no SHA256SUMS');
  const sums = sumsBuf.toString('ascii');
  const listed = new Map<string, string>();
  for (const line of sums.split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (!m?.[1] || !m[2]) throw new PbxbootError('E_VALIDATION', `bad SHA256SUMS line: ${line}`, { value: line });
    listed.set(m[2], m[1]);
  }
  for (const [name, data] of raw) {
    if (name === 'SHA256SUMS') continue;
    const want = listed.get(name);
    if (want === undefined) throw new PbxbootError('E_VALIDATION', `not in SHA256SUMS: ${name}`, { value: name });
    if (want !== sha256(data)) throw new PbxbootError('E_VALIDATION', `checksum mismatch: ${name}`, { value: name });
  }
  for (const name of listed.keys()) {
    if (!raw.has(name)) throw new PbxbootError('E_VALIDATION', `listed but missing: ${name}`, { value: name });
  }
  const manifest: Record<string, string> = {};
  for (const line of (raw.get('MANIFEST')?.toString('utf8') ?? '').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) manifest[line.slice(0, eq)] = line.slice(eq + 1);
  }
  raw.delete('SHA256SUMS');
  raw.delete('MANIFEST');
  return { files: raw, manifest, etag: `"${sha256(sums)}"` };
}

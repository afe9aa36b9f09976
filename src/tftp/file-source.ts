// Where TFTP bytes come from (adapter): virtual files from memory first, then the root directory, with a
// realpath check against symlinks out of the root and a small cache for the few hot iPXE binaries.
import { promises as fsp, openSync, readSync, closeSync, read } from 'node:fs';
import { promisify } from 'node:util';
import path from 'node:path';
import type { TransferSource } from './session.js';

/** Files served from memory, e.g. per-node files rendered later; null = not virtual, look on disk. */
export interface VirtualFiles {
  get(path: string, clientIp: string): Buffer | null | Promise<Buffer | null>;
}

export interface ClosableSource extends TransferSource {
  close(): void;
  /** All bytes in one Buffer (for the native data pump), or null when the file is too big to hold. */
  whole(): Promise<Buffer | null>;
}

/** Largest disk file read whole into memory for one transfer; iPXE binaries are ~1 MB. */
const WHOLE_MAX_BYTES = 256 * 1024 * 1024;
const readAt = promisify(read);

export type OpenResult =
  | { kind: 'ok'; source: ClosableSource; origin: 'virtual' | 'cache' | 'disk' }
  | { kind: 'missing' }
  | { kind: 'denied'; reason: 'symlink-escape' | 'permission' };

export interface FileSourceOptions {
  root: string;
  virtualFiles?: VirtualFiles;
  /** Files up to this size are kept in memory (iPXE binaries are < 1.5 MB). */
  cacheMaxFileBytes?: number;
  cacheMaxBytes?: number;
}

export function bufferSource(buf: Uint8Array): ClosableSource {
  const whole = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return { size: buf.length, read: (off, len) => buf.subarray(off, off + len), close() {}, whole: async () => whole };
}

/** Reads a large file by the chunk so one syscall serves many blocks; old chunks stay valid for queued sends. */
function fdSource(fd: number, size: number): ClosableSource {
  const CHUNK = 256 * 1024;
  let chunk: Buffer = Buffer.alloc(0);
  let chunkAt = 0;
  let open = true;
  return {
    size,
    read(off, len) {
      if (len === 0) return chunk.subarray(0, 0);
      if (off < chunkAt || off + len > chunkAt + chunk.length) {
        const n = Math.min(Math.max(CHUNK, len), size - off);
        const b = Buffer.allocUnsafe(n);
        let got = 0;
        while (got < n) {
          const r = readSync(fd, b, got, n - got, off + got);
          if (r === 0) break; // file shrank under us: the short block ends the transfer early
          got += r;
        }
        chunk = got === n ? b : b.subarray(0, got);
        chunkAt = off;
      }
      return chunk.subarray(off - chunkAt, Math.min(off - chunkAt + len, chunk.length));
    },
    close() {
      if (open) closeSync(fd);
      open = false;
    },
    async whole() {
      if (size > WHOLE_MAX_BYTES) return null;
      const b = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const { bytesRead } = await readAt(fd, b, got, size - got, got);
        if (bytesRead === 0) break; // file shrank under us: serve what is there, as read() does
        got += bytesRead;
      }
      return got === size ? b : b.subarray(0, got);
    },
  };
}

export class FileSource {
  private rootReal: string | null = null;
  private readonly cache = new Map<string, { mtimeMs: number; size: number; data: Buffer }>();
  private cached = 0;
  private readonly maxFile: number;
  private readonly maxTotal: number;

  constructor(private readonly opts: FileSourceOptions) {
    this.maxFile = opts.cacheMaxFileBytes ?? 4 * 1024 * 1024;
    this.maxTotal = opts.cacheMaxBytes ?? 32 * 1024 * 1024;
  }

  /** `rel` must already be confined (paths.ts). */
  async open(rel: string, clientIp: string): Promise<OpenResult> {
    const v = this.opts.virtualFiles ? await this.opts.virtualFiles.get(rel, clientIp) : null;
    if (v) return { kind: 'ok', source: bufferSource(v), origin: 'virtual' };
    const root = await this.root();
    if (root === null) return { kind: 'missing' };
    let real: string;
    try {
      real = await fsp.realpath(path.join(root, rel));
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EACCES' ? { kind: 'denied', reason: 'permission' } : { kind: 'missing' };
    }
    if (real !== root && !real.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) {
      return { kind: 'denied', reason: 'symlink-escape' };
    }
    const st = await fsp.stat(real).catch(() => null);
    if (!st || !st.isFile()) return { kind: 'missing' };
    if (st.size <= this.maxFile) {
      const hit = this.cache.get(real);
      if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
        this.cache.delete(real); // re-insert: Map order is our LRU order
        this.cache.set(real, hit);
        return { kind: 'ok', source: bufferSource(hit.data), origin: 'cache' };
      }
      let data: Buffer;
      try {
        data = await fsp.readFile(real);
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'EACCES' ? { kind: 'denied', reason: 'permission' } : { kind: 'missing' };
      }
      this.remember(real, { mtimeMs: st.mtimeMs, size: data.length, data });
      return { kind: 'ok', source: bufferSource(data), origin: 'disk' };
    }
    try {
      return { kind: 'ok', source: fdSource(openSync(real, 'r'), st.size), origin: 'disk' };
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EACCES' ? { kind: 'denied', reason: 'permission' } : { kind: 'missing' };
    }
  }

  private async root(): Promise<string | null> {
    if (this.rootReal === null) this.rootReal = await fsp.realpath(this.opts.root).catch(() => null);
    return this.rootReal;
  }

  private remember(key: string, entry: { mtimeMs: number; size: number; data: Buffer }): void {
    const old = this.cache.get(key);
    if (old) {
      this.cached -= old.size;
      this.cache.delete(key);
    }
    this.cache.set(key, entry);
    this.cached += entry.size;
    for (const [k, e] of this.cache) {
      if (this.cached <= this.maxTotal) break;
      this.cache.delete(k);
      this.cached -= e.size;
    }
  }
}

/** Whole contents of a source (netascii conversion needs them). */
export function readAll(src: TransferSource): Uint8Array {
  const whole = src.read(0, src.size);
  return whole.length === src.size ? whole : Buffer.concat(chunks(src));
}

function chunks(src: TransferSource): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let off = 0; off < src.size; off += 65536) out.push(src.read(off, Math.min(65536, src.size - off)));
  return out;
}

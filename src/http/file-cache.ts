// Boot files served over HTTP (kernel, initrd, iPXE) are few, large and hot: in a boot storm hundreds of nodes fetch
// the same 30 MB initrd. Keeping each in memory once (checked against size and mtime on every request) turns every
// download into socket writes of one shared Buffer, instead of a read stream of 64 KiB chunks per client.
import { promises as fsp } from 'node:fs';

export interface FileCacheOptions {
  /** larger files are streamed from disk */
  maxFileBytes: number;
  /** least recently used files leave beyond this */
  maxTotalBytes: number;
}

interface Entry {
  size: number;
  mtimeMs: number;
  data: Promise<Buffer>;
}

export class FileCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(private readonly o: FileCacheOptions) {}

  /** The file's bytes if it is cacheable, else null. `size`/`mtimeMs` come from the caller's stat of this request. */
  async get(path: string, size: number, mtimeMs: number): Promise<Buffer | null> {
    if (size > this.o.maxFileBytes || size > this.o.maxTotalBytes) return null;
    let e = this.entries.get(path);
    if (e && (e.size !== size || e.mtimeMs !== mtimeMs)) {
      this.drop(path, e); // replaced on disk: the next reader loads the new bytes
      e = undefined;
    }
    if (e) {
      this.entries.delete(path); // re-insert: Map order is the LRU order
      this.entries.set(path, e);
    } else {
      // Concurrent first requests share one read.
      e = { size, mtimeMs, data: fsp.readFile(path) };
      this.entries.set(path, e);
      this.total += size;
      this.evict();
      e.data.catch(() => this.entries.get(path) === e && this.drop(path, e!));
    }
    const data = await e.data;
    // The file changed between stat and read: serve it streamed this time rather than a mismatched length.
    return data.length === size ? data : null;
  }

  private drop(path: string, e: Entry): void {
    this.entries.delete(path);
    this.total -= e.size;
  }

  private evict(): void {
    for (const [path, e] of this.entries) {
      if (this.total <= this.o.maxTotalBytes) break;
      this.drop(path, e);
    }
  }
}

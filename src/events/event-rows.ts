// Boot events as the netboot log's rows, encoded when they are emitted: one JSON array per event, [time, mac,
// node, stage, level, detail as JSON text], comma-separated UTF-8 in a byte buffer outside the JS heap. While a
// storm's batch waits (up to 100 ms) its events are bytes there, not objects: a DHCP step's event with its detail
// is ≈ 10 young objects and strings, and the packet loop's young-generation GCs copied every one still buffered
// (≈ 1 MB and 6 ms a GC at 8,000 DORA/s). SQLite inserts a batch straight from its text (store/events-repo.ts);
// readers that want objects decode it.
import type { BootEvent, BootEventInput, EventLevel } from './event.js';

/** A batch of encoded events: `json` is one JSON array of rows. */
export interface EncodedEvents {
  readonly json: Buffer;
  readonly count: number;
}

// The detail is a string holding its JSON, the text the row stores: SQLite then copies it out of the batch as it
// is (`->>`), where an object would be parsed and written out again (≈ 0.7 µs more a row on the writer thread).
type Row = [time: number, mac: string | null, node: string | null, stage: string, level: EventLevel, detail: string];

const OPEN = 0x5b; // [
const COMMA = 0x2c;
const CLOSE = 0x5d; // ]

export class EventRows {
  private buf: Buffer;
  private at = 1; // byte 0 is the batch's '['
  private n = 0;

  constructor(private readonly initialBytes = 256 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  get count(): number {
    return this.n;
  }

  /** Encodes an event (`now` for one without a time). Never throws: a detail JSON cannot hold is replaced by why. */
  push(ev: BootEventInput, now: number): void {
    const s = JSON.stringify([ev.time ?? now, ev.mac ?? null, ev.node ?? null, ev.stage, ev.level ?? 'info', detailJson(ev.detail)] satisfies Row);
    const need = this.at + 2 + 3 * s.length; // a UTF-16 code unit is at most 3 UTF-8 bytes; 2: a comma and the ']'
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need, 2 * this.buf.length));
      this.buf.copy(grown, 0, 0, this.at);
      this.buf = grown;
    }
    if (this.n > 0) this.buf[this.at++] = COMMA;
    this.at += this.buf.write(s, this.at);
    this.n++;
  }

  /** The events encoded so far, in a buffer of their own (it may go to another thread), or null when none. */
  take(): EncodedEvents | null {
    if (this.n === 0) return null;
    const json = Buffer.allocUnsafeSlow(this.at + 1);
    this.buf.copy(json, 0, 0, this.at);
    json[0] = OPEN;
    json[this.at] = CLOSE;
    const out = { json, count: this.n };
    this.at = 1;
    this.n = 0;
    // a storm's growth is given back once it is over
    if (this.buf.length > 4 * this.initialBytes && out.json.length < this.initialBytes) this.buf = Buffer.allocUnsafeSlow(this.initialBytes);
    return out;
  }
}

function detailJson(detail: Record<string, unknown> | undefined): string {
  if (detail === undefined) return '{}';
  try {
    return JSON.stringify(detail);
  } catch (err) {
    // a cycle or a BigInt: the step is still logged, with why its detail is missing
    return JSON.stringify({ unserializable: (err as Error).message });
  }
}

/** The events of a batch; ids from `firstId` on (consecutive), or 0 when they have none yet. */
export function decodeEvents(e: EncodedEvents, firstId = 0): BootEvent[] {
  const rows = JSON.parse(e.json.toString('utf8')) as Row[];
  return rows.map(([time, mac, node, stage, level, detail], i) => ({ id: firstId ? firstId + i : 0, time, mac, node, stage, level, detail: JSON.parse(detail) as Record<string, unknown> }));
}

// SQLite: the netboot log's MAC index keyed by span first (16,384 consecutive ids), then MAC. Keyed by MAC alone,
// a commit's rows (a storm's hundreds of MACs) land on as many leaf pages all over the index, each written to the
// WAL again at every commit, so a row cost more the longer the log: 7.5, 9.4 and 12.3 µs of CPU with 200,000,
// 600,000 and 2 million rows before (bench/events-mac-index.ts: 3,200 rows of 10,000 random MACs a commit). By
// span, they land in the newest span's few pages: 3.4–3.6 µs at every size, no MAC index at all 2.7–3.6. A MAC's
// events are then found by one index search per span (EventsRepo.query): ≈ 600 for ten million events.
// On a log that exists the new index is built once, at the first start: 1.3 s for 2 million rows here.
// PostgreSQL keeps its (mac, id) index.
import type { Migration } from '../../sql.js';

/** Ids per span, as a shift: the index expression and EventsRepo's queries must agree. */
export const MAC_SPAN_BITS = 14;

export const macSpanIndex = {
  sqlite: `
DROP INDEX boot_events_mac;
CREATE INDEX boot_events_mac_span ON boot_events(id >> ${MAC_SPAN_BITS}, mac, id);
`,
  postgres: 'SELECT 1',
};

const migration: Migration = { id: 7, name: 'boot-events-mac-spans', sql: macSpanIndex };
export default migration;

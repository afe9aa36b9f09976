// The netboot log's node index keeps only events without a MAC (lifecycle, phone-home, ARI). A node's timeline is
// those plus every event of its MACs (EventsRepo.query), which the mac index finds: every event that names both a
// node and a MAC names one of that node's own MACs, and a node's MACs are only ever added to. A DHCP step then costs
// one random index insert instead of two: ≈ 20 % less CPU per row written (2.6 against 3.3 µs with 16 KiB pages,
// 400,000 rows shaped as bench/sqlite-pages.ts writes them).
import type { Migration } from '../../sql.js';

export const macLessNodeIndex = `
DROP INDEX boot_events_node;
CREATE INDEX boot_events_node ON boot_events(node, id) WHERE mac IS NULL;
`;

const migration: Migration = { id: 5, name: 'boot-events-node-index', sql: macLessNodeIndex };
export default migration;

// The netboot log's own file gets the same span-first MAC index as the state DB's boot_events (state/007 says why).
import type { Migration } from '../../sql.js';
import { macSpanIndex } from '../state/007-boot-events-mac-spans.js';

const migration: Migration = { id: 3, name: 'mac-spans', sql: macSpanIndex };
export default migration;

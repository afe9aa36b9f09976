// The netboot log's own file gets the same node index as the state DB's boot_events (state/005 says why).
import type { Migration } from '../../sql.js';
import { macLessNodeIndex } from '../state/005-boot-events-node-index.js';

const migration: Migration = { id: 2, name: 'node-index', sql: macLessNodeIndex };
export default migration;

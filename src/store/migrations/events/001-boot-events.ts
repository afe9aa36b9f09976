// The netboot log in a SQLite file of its own (<state>-events.db beside a SQLite state DB): the same boot_events
// table and indexes that the state DB's core migration creates, where PostgreSQL and in-memory state DBs keep it.
import type { Migration } from '../../sql.js';
import { bootEventsDdl } from '../state/001-core.js';

const migration: Migration = {
  id: 1,
  name: 'boot-events',
  sql: {
    sqlite: bootEventsDdl('INTEGER PRIMARY KEY AUTOINCREMENT'),
    postgres: bootEventsDdl('BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY'),
  },
};
export default migration;

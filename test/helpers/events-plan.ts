// The statement an EventsRepo query runs, and SQLite's plan for it (EXPLAIN QUERY PLAN's details).
import { EventsRepo } from '../../src/store/events-repo.js';
import type { Param, SqlDb } from '../../src/store/sql.js';
import type { BootEvent, EventQuery } from '../../src/events/event.js';

export async function eventsQueryPlan(db: SqlDb, q: EventQuery): Promise<{ events: BootEvent[]; plan: string[] }> {
  const asked: [string, readonly Param[]][] = [];
  const recording = Object.assign(Object.create(db) as SqlDb, { all: async (sql: string, params: readonly Param[] = []) => (asked.push([sql, params]), db.all(sql, params)) });
  const events = await new EventsRepo(recording).query(q);
  const [sql, params] = asked[0]!;
  const plan = (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail);
  return { events, plan };
}

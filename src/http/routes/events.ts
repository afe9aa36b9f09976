// GET /v1/events: the netboot log, filtered; ?follow=1 streams it as Server-Sent Events.
import type { BootEvent, EventQuery } from '../../events/event.js';
import { normalizeMac } from '../../cluster/mac.js';
import type { ApiContext } from '../context.js';
import { json, type HttpRequest, type Router } from '../router.js';
import { parseIntParam, parseSince } from '../query.js';

export function matchesQuery(ev: BootEvent, q: EventQuery): boolean {
  if (q.node && ev.node !== q.node && !(ev.mac && q.nodeMacs?.includes(ev.mac))) return false;
  if (q.mac && ev.mac !== q.mac) return false;
  if (q.since !== undefined && ev.time < q.since) return false;
  if (q.level && ev.level !== q.level) return false;
  if (q.stage) {
    const prefix = q.stage.endsWith('*') || q.stage.endsWith('.') ? q.stage.replace(/\*$/, '') : null;
    if (prefix ? !ev.stage.startsWith(prefix) : ev.stage !== q.stage) return false;
  }
  return true;
}

async function eventQuery(ctx: ApiContext, req: HttpRequest): Promise<EventQuery> {
  const q: EventQuery = {};
  const node = req.query.get('node');
  if (node) {
    const n = await ctx.store.nodes.get(node);
    q.node = n.id;
    q.nodeMacs = n.macs;
  }
  const mac = req.query.get('mac');
  if (mac) q.mac = normalizeMac(mac);
  const since = req.query.get('since');
  if (since) q.since = parseSince(since);
  const stage = req.query.get('stage');
  if (stage) q.stage = stage;
  q.limit = parseIntParam('limit', req.query.get('limit'), 1000, 1, 100000);
  return q;
}

export function registerEventRoutes(router: Router, ctx: ApiContext): void {
  router.on('GET', '/v1/events', 'read', async (req) => {
    const q = await eventQuery(ctx, req);
    if (req.query.get('follow') !== '1') return json(200, { events: await ctx.store.events.query(q) });
    return {
      status: 200,
      sse: {
        open(send) {
          // Subscribe before reading the backlog so nothing falls in between.
          let lastId = 0;
          let live = false;
          const early: BootEvent[] = [];
          const unsubscribe = ctx.bus.subscribe((ev) => {
            if (!matchesQuery(ev, q)) return;
            if (!live) return void early.push(ev);
            if (ev.id > lastId) (send('event', ev, ev.id), (lastId = ev.id));
          });
          void ctx.store.events.query(q).then((backlog) => {
            for (const ev of [...backlog, ...early.sort((a, b) => a.id - b.id)]) {
              if (ev.id > lastId) (send('event', ev, ev.id), (lastId = ev.id));
            }
            live = true;
          });
          return unsubscribe;
        },
      },
    };
  });
}

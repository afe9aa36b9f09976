// The test ARI server's minimal bridges (bridges.json): create/list/get/destroy, add/remove Stasis channels, Bridge* events.
import type { Reply, Route } from './routes.js';
import type { TestAriServer } from './server.js';

/** The Bridge model's fields, with the values Asterisk gives a bridge made through ARI. */
export interface AriBridge {
  id: string;
  technology: string;
  bridge_type: string;
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  video_mode: string;
  creationtime: string;
}

const notFound = (what: string): Reply => ({ status: 404, body: { message: `${what} not found` } });
const snapshot = (b: AriBridge): AriBridge => ({ ...b, channels: [...b.channels] });

function create(srv: TestAriServer, id: string | null, type: string, name: string): Reply {
  const bridgeId = id ?? `bridge-${srv.bridges.size + 1}-${srv.pbx.channels.size}`;
  const existing = srv.bridges.get(bridgeId);
  if (existing) return { status: 200, body: snapshot(existing) };
  // Asterisk's default type is a mixing bridge (resource_bridges.c: "mixing" when type is empty).
  const kind = type.split(',').includes('holding') ? 'holding' : 'mixing';
  const b: AriBridge = { id: bridgeId, technology: 'simple_bridge', bridge_type: kind, bridge_class: 'stasis', creator: 'Stasis', name, channels: [], video_mode: 'none', creationtime: srv.timestamp() };
  srv.bridges.set(bridgeId, b);
  srv.publishTo([`bridge:${bridgeId}`], 'BridgeCreated', { bridge: snapshot(b) });
  return { status: 200, body: snapshot(b) };
}

/** Channels named in `channel` (comma list): 400 if one does not exist, 422 if one is not in a Stasis app (resource_bridges.c). */
function channelsOf(srv: TestAriServer, list: string): { ids: string[] } | Reply {
  const ids = list.split(',').filter(Boolean);
  for (const id of ids) {
    if (!srv.pbx.channels.has(id)) return { status: 400, body: { message: 'Channel not found' } };
    if (!srv.stasis.has(id)) return { status: 422, body: { message: 'Channel not in Stasis application' } };
  }
  return { ids };
}

export function leaveBridges(srv: TestAriServer, channelId: string): void {
  for (const b of srv.bridges.values()) {
    if (!b.channels.includes(channelId)) continue;
    b.channels = b.channels.filter((c) => c !== channelId);
    const ch = srv.pbx.channels.get(channelId);
    srv.publishTo([`bridge:${b.id}`, `channel:${channelId}`], 'ChannelLeftBridge', { bridge: snapshot(b), ...(ch ? { channel: { ...ch } } : {}) });
  }
}

export const bridgeRoutes: Route[] = [
  { method: 'GET', path: '/bridges', handle: function () { return { status: 200, body: [...this.bridges.values()].map(snapshot) }; } },
  {
    method: 'POST',
    path: '/bridges',
    handle({ query }) {
      return create(this, query.get('bridgeId'), query.get('type') ?? '', query.get('name') ?? '');
    },
  },
  {
    method: 'POST',
    path: '/bridges/{bridgeId}',
    handle({ params, query }) {
      return create(this, params.bridgeId!, query.get('type') ?? '', query.get('name') ?? '');
    },
  },
  {
    method: 'GET',
    path: '/bridges/{bridgeId}',
    handle({ params }) {
      const b = this.bridges.get(params.bridgeId!);
      return b ? { status: 200, body: snapshot(b) } : notFound('Bridge');
    },
  },
  {
    method: 'DELETE',
    path: '/bridges/{bridgeId}',
    handle({ params }) {
      const b = this.bridges.get(params.bridgeId!);
      if (!b) return notFound('Bridge');
      for (const c of [...b.channels]) leaveBridges(this, c);
      this.bridges.delete(b.id);
      this.publishTo([`bridge:${b.id}`], 'BridgeDestroyed', { bridge: snapshot(b) });
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/bridges/{bridgeId}/addChannel',
    handle({ params, query }) {
      const b = this.bridges.get(params.bridgeId!);
      if (!b) return notFound('Bridge');
      const r = channelsOf(this, query.get('channel') ?? '');
      if (!('ids' in r)) return r;
      for (const id of r.ids) {
        if (b.channels.includes(id)) continue;
        leaveBridges(this, id);
        b.channels.push(id);
        // The channel's app follows the bridge from now on (Asterisk subscribes it when its channel enters).
        this.subscribeApp(this.stasis.get(id)!.app, `bridge:${b.id}`);
        this.publishTo([`bridge:${b.id}`, `channel:${id}`], 'ChannelEnteredBridge', { bridge: snapshot(b), channel: { ...this.pbx.channels.get(id)! } });
      }
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/bridges/{bridgeId}/removeChannel',
    handle({ params, query }) {
      const b = this.bridges.get(params.bridgeId!);
      if (!b) return notFound('Bridge');
      const r = channelsOf(this, query.get('channel') ?? '');
      if (!('ids' in r)) return r;
      if (r.ids.some((id) => !b.channels.includes(id))) return { status: 422, body: { message: 'Channel not in this bridge' } };
      for (const id of r.ids) leaveBridges(this, id);
      return { status: 204 };
    },
  },
];

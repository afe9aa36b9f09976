// The test ARI server's REST routes for asterisk, channels, endpoints, deviceStates and applications, each named by its api-docs path.
import { ariTimestamp, deviceStateOf } from './model.js';
import { bridgeRoutes } from './bridges.js';
import type { TestAriServer } from './server.js';

export interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}
export type Reply = { status: number; body?: unknown };
export interface Route {
  method: string;
  /** Swagger path as written in the api-docs (checked by test/ari/ari-server.test.ts) */
  path: string;
  handle(this: TestAriServer, ctx: Ctx): Reply;
}

export const notFound = (what: string): Reply => ({ status: 404, body: { message: `${what} not found` } });

export const routes: Route[] = [
  {
    method: 'GET',
    path: '/asterisk/info',
    handle() {
      const t = ariTimestamp(this.startedAt);
      return { status: 200, body: { system: { version: '22.10.1-test', entity_id: this.asteriskId }, status: { startup_time: t, last_reload_time: t } } };
    },
  },
  {
    method: 'PUT',
    path: '/asterisk/modules/{moduleName}',
    handle({ params }) {
      if (!/^res_|^chan_|^app_|^func_/.test(params.moduleName ?? '')) return { status: 404, body: { message: 'Module not found in running modules.' } };
      this.reloads.push(params.moduleName!);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    path: '/asterisk/config/dynamic/{configClass}/{objectType}/{id}',
    handle({ params }) {
      if (params.configClass !== 'res_pjsip' || params.objectType !== 'endpoint') return notFound('configClass|objectType');
      const ep = this.pbx.load(params.id!);
      if (!ep) return notFound('id');
      return { status: 200, body: [{ attribute: 'aors', value: ep.resource }, { attribute: 'context', value: 'default' }] };
    },
  },
  {
    method: 'GET',
    path: '/asterisk/ping',
    handle() {
      return { status: 200, body: { asterisk_id: this.asteriskId, ping: 'pong', timestamp: this.timestamp() } };
    },
  },
  { method: 'GET', path: '/channels', handle: function () { return { status: 200, body: [...this.pbx.channels.values()] }; } },
  {
    method: 'POST',
    path: '/channels',
    handle({ query, body }) {
      const endpoint = query.get('endpoint') ?? (body.endpoint as string | undefined);
      if (!endpoint) return { status: 400, body: { message: 'Endpoint must be specified' } };
      const ep = this.pbx.endpoints.get(endpoint);
      if (!ep) return { status: 400, body: { message: 'Endpoint is not found' } };
      const app = query.get('app') ?? (body.app as string | undefined);
      // With `app` the answered channel enters Stasis; without, it runs the dialplan at `extension`.
      const opts = app ? { app, args: (query.get('appArgs') ?? '').split(',').filter(Boolean), answered: true } : {};
      return { status: 200, body: this.openChannel(ep, query.get('extension') ?? 's', 0, opts) };
    },
  },
  {
    method: 'GET',
    path: '/channels/{channelId}',
    handle({ params }) {
      const ch = this.pbx.channels.get(params.channelId!);
      return ch ? { status: 200, body: ch } : notFound('Channel');
    },
  },
  {
    method: 'DELETE',
    path: '/channels/{channelId}',
    handle({ params }) {
      this.hangupsRequested += 1;
      const ch = this.pbx.channels.get(params.channelId!);
      if (!ch) return notFound('Channel');
      this.hangup(ch.id);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    path: '/channels/{channelId}/answer',
    handle({ params }) {
      const ch = this.pbx.channels.get(params.channelId!);
      if (!ch) return notFound('Channel');
      // res_ari's control lookup: only channels in a Stasis application can be driven over ARI.
      if (!this.stasis.has(ch.id)) return { status: 409, body: { message: 'Channel not in Stasis application' } };
      if (ch.state !== 'Up') {
        ch.state = 'Up';
        this.channelEvent(ch, 'ChannelStateChange', {});
      }
      return { status: 204 };
    },
  },
  { method: 'GET', path: '/endpoints', handle: function () { return { status: 200, body: [...this.pbx.endpoints.values()] }; } },
  {
    method: 'GET',
    path: '/endpoints/{tech}',
    handle({ params }) {
      const eps = [...this.pbx.endpoints.values()].filter((e) => e.technology === params.tech);
      // resource_endpoints.c: 404 only for a channel technology Asterisk does not have; a known one may list nothing.
      const known = ['PJSIP', 'Local', 'IAX2', ...eps.map((e) => e.technology)];
      return known.includes(params.tech!) ? { status: 200, body: eps } : notFound('Endpoints');
    },
  },
  {
    method: 'GET',
    path: '/endpoints/{tech}/{resource}',
    handle({ params }) {
      const ep = this.pbx.endpoints.get(`${params.tech}/${params.resource}`);
      return ep ? { status: 200, body: ep } : notFound('Endpoint');
    },
  },
  {
    method: 'GET',
    path: '/deviceStates',
    handle() {
      return { status: 200, body: [...this.pbx.endpoints.values()].map((e) => ({ name: `${e.technology}/${e.resource}`, state: deviceStateOf(e) })) };
    },
  },
  {
    method: 'GET',
    path: '/deviceStates/{deviceName}',
    handle({ params }) {
      const ep = this.pbx.endpoints.get(params.deviceName!);
      return ep ? { status: 200, body: { name: params.deviceName, state: deviceStateOf(ep) } } : notFound('Device');
    },
  },
  { method: 'GET', path: '/applications', handle: function () { return { status: 200, body: [...this.apps.keys()].map((n) => this.application(n)) }; } },
  {
    method: 'GET',
    path: '/applications/{applicationName}',
    handle({ params }) {
      return this.apps.has(params.applicationName!) ? { status: 200, body: this.application(params.applicationName!) } : notFound('Application');
    },
  },
  { method: 'POST', path: '/applications/{applicationName}/subscription', handle: function (ctx) { return this.subscription(ctx, true); } },
  { method: 'DELETE', path: '/applications/{applicationName}/subscription', handle: function (ctx) { return this.subscription(ctx, false); } },
  ...bridgeRoutes,
];

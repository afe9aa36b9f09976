// A protocol-faithful test ARI server: Asterisk's api-docs, Basic/api_key auth, the events WebSocket and enough REST to run calls; plus test controls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiDocs } from './api-docs.js';
import { leaveBridges, type AriBridge } from './bridges.js';
import { notFound, routes, type Ctx, type Reply } from './routes.js';
import { ariTimestamp, causeText, deviceStateOf, PbxState, type AriChannel, type AriEndpoint, type AriEvent } from './model.js';

export interface TestAriServerOptions {
  user?: string;
  password?: string;
  apiDocsDir?: string;
  now?: () => number;
}

interface App {
  sockets: Set<WebSocket>;
  sources: Set<string>;
  all: boolean;
}


export { routes };

const compiled = routes.map((r) => ({ r, re: new RegExp('^' + r.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)') + '$') }));

export class TestAriServer {
  readonly pbx: PbxState;
  readonly user: string;
  readonly password: string;
  readonly asteriskId = '52:54:00:12:34:56';
  readonly startedAt: number;
  readonly reloads: string[] = [];
  /** every event sent on any WebSocket, in order (the conformance test checks each against events.json) */
  readonly emitted: AriEvent[] = [];
  hangupsRequested = 0;
  readonly bridges = new Map<string, AriBridge>();
  /** channels inside a Stasis application: channel id → app and its arguments */
  readonly stasis = new Map<string, { app: string; args: string[] }>();
  private readonly docs: ApiDocs;
  private readonly http = http.createServer((req, res) => void this.onRequest(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  readonly apps = new Map<string, App>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private unavailableUntil = 0;
  private restUnavailableUntil = 0;
  private restFailures = 0;
  private readonly now: () => number;

  constructor(opts: TestAriServerOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.user = opts.user ?? 'pbxboot';
    this.password = opts.password ?? 'secret';
    this.docs = new ApiDocs(opts.apiDocsDir);
    this.pbx = new PbxState(this.now);
    this.startedAt = this.now();
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => resolve());
    });
    return this.url;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** Base URL as ari-client takes it. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const ws of this.wss.clients) ws.terminate();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  // ---- test controls ----

  addEndpoint(tech: string, resource: string, opts: { loaded?: boolean } = {}): AriEndpoint {
    return this.pbx.addEndpoint(tech, resource, opts);
  }

  /**
   * A call on `endpoint` (e.g. "PJSIP/1001") that hangs up by itself after `ms` (0 = until DELETE). Outside Stasis it is
   * answered at once; with `app` it is an inbound call sent to Stasis(app) ringing, for the app to answer.
   */
  startCall(endpoint: string, ms: number, opts: { app?: string; args?: string[] } = {}): string {
    const ep = this.pbx.endpoints.get(endpoint);
    if (!ep) throw new Error(`no endpoint ${endpoint}`);
    return this.openChannel(ep, '100', ms, opts.app ? { app: opts.app, args: opts.args ?? [], answered: false } : {}).id;
  }

  /** A node restart as seen from ARI: every WebSocket drops, then 503 for `seconds`. */
  restart(seconds: number): void {
    this.unavailableUntil = this.now() + seconds * 1000;
    for (const ws of this.wss.clients) ws.terminate();
    this.apps.clear();
  }

  /**
   * REST answers 503 for `seconds` while WebSockets still connect: a node whose HTTP server is up before ARI's
   * resources are (start-up, module reload). A client that reconnects then cannot subscribe or resync at once.
   */
  restDown(seconds: number): void {
    this.restUnavailableUntil = this.now() + seconds * 1000;
  }

  /** The next `count` REST requests (after any restart window) answer 503: a node flapping at the worst moment. */
  failNextRest(count: number): void {
    this.restFailures = count;
  }

  /** Event sources each app is subscribed to (e.g. "endpoint:PJSIP/1001"). */
  subscriptions(app: string): string[] {
    return [...(this.apps.get(app)?.sources ?? [])];
  }

  connectedApps(): string[] {
    return [...this.apps].filter(([, a]) => a.sockets.size > 0).map(([k]) => k);
  }

  // ---- PBX behaviour ----

  openChannel(ep: AriEndpoint, exten: string, ms: number, stasis: { app?: string; args?: string[]; answered?: boolean } = {}): AriChannel {
    const ch = this.pbx.newChannel(ep, exten);
    const src = `${ep.technology}/${ep.resource}`;
    this.publish(src, 'ChannelCreated', { channel: { ...ch } });
    this.publish(src, 'EndpointStateChange', { endpoint: { ...ep, channel_ids: [...ep.channel_ids] } });
    this.publish(src, 'DeviceStateChanged', { device_state: { name: src, state: deviceStateOf(ep) } }, 'deviceState');
    if (!stasis.app || stasis.answered) {
      ch.state = 'Up';
      this.publish(src, 'ChannelStateChange', { channel: { ...ch } });
    }
    if (stasis.app) {
      // Entering Stasis subscribes the app to the channel (stasis.c), so StasisStart reaches it without any subscription.
      this.stasis.set(ch.id, { app: stasis.app, args: stasis.args ?? [] });
      this.subscribeApp(stasis.app, `channel:${ch.id}`);
      this.publishTo([`channel:${ch.id}`], 'StasisStart', { args: stasis.args ?? [], channel: { ...ch } });
    }
    if (ms > 0) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.hangup(ch.id);
      }, ms);
      this.timers.add(t);
    }
    return ch;
  }

  hangup(channelId: string, cause = 16): void {
    const ch = this.pbx.channels.get(channelId);
    if (!ch) return;
    leaveBridges(this, ch.id);
    const inApp = this.stasis.get(ch.id);
    if (inApp) {
      this.stasis.delete(ch.id);
      this.publishTo([`channel:${ch.id}`], 'StasisEnd', { channel: { ...ch } });
      this.apps.get(inApp.app)?.sources.delete(`channel:${ch.id}`);
    }
    const ep = this.pbx.removeChannel(ch);
    const src = ep ? `${ep.technology}/${ep.resource}` : ch.name;
    this.publish(src, 'ChannelDestroyed', { cause, cause_txt: causeText[cause] ?? 'Unknown', channel: { ...ch } });
    if (ep) {
      this.publish(src, 'EndpointStateChange', { endpoint: { ...ep, channel_ids: [...ep.channel_ids] } });
      this.publish(src, 'DeviceStateChanged', { device_state: { name: src, state: deviceStateOf(ep) } }, 'deviceState');
    }
  }

  /** Sends an event to every app subscribed to the endpoint (or device) `src` or to the event's channel, or to everything. */
  private publish(src: string, type: string, fields: Record<string, unknown>, kind: 'endpoint' | 'deviceState' = 'endpoint'): void {
    const tech = src.split('/')[0];
    const channel = (fields.channel as AriChannel | undefined)?.id;
    this.publishTo([`${kind}:${src}`, `${kind}:${tech}`, ...(channel && kind === 'endpoint' ? [`channel:${channel}`] : [])], type, fields);
  }

  /** A channel event for its endpoint's and its own subscribers. */
  channelEvent(ch: AriChannel, type: string, fields: Record<string, unknown>): void {
    const ep = this.pbx.endpointOfChannel(ch);
    this.publish(ep ? `${ep.technology}/${ep.resource}` : ch.name, type, { ...fields, channel: { ...ch } });
  }

  /** Asterisk's timestamp for now (events and models' Date fields). */
  timestamp(): string {
    return ariTimestamp(this.now());
  }

  subscribeApp(name: string, source: string): void {
    this.apps.get(name)?.sources.add(source);
  }

  /** The Application model of a registered app. */
  application(name: string): Record<string, unknown> {
    const sources = [...(this.apps.get(name)?.sources ?? [])];
    const list = (k: string) => sources.filter((s) => s.startsWith(k + ':')).map((s) => s.slice(k.length + 1));
    return { name, channel_ids: list('channel'), bridge_ids: list('bridge'), endpoint_ids: list('endpoint'), device_names: list('deviceState'), events_allowed: [], events_disallowed: [] };
  }

  /** Sends an event to every app subscribed to one of `sources` (e.g. "bridge:b1"), or subscribed to everything. */
  publishTo(sources: readonly string[], type: string, fields: Record<string, unknown>): void {
    for (const [name, app] of this.apps) {
      if (!app.all && !sources.some((s) => app.sources.has(s))) continue;
      const ev: AriEvent = { type, timestamp: ariTimestamp(this.now()), ...fields, asterisk_id: this.asteriskId, application: name };
      this.emitted.push(ev);
      const text = JSON.stringify(ev);
      for (const ws of app.sockets) ws.send(text);
    }
  }

  subscription({ params, query }: Ctx, add: boolean): Reply {
    const app = this.apps.get(params.applicationName!);
    if (!app) return notFound('Application');
    const sources = (query.get('eventSource') ?? '').split(',').filter(Boolean);
    if (!sources.length) return { status: 400, body: { message: 'Missing parameter eventSource' } };
    for (const s of sources) {
      const [kind, name] = [s.slice(0, s.indexOf(':')), s.slice(s.indexOf(':') + 1)];
      if (kind === 'endpoint' && !this.pbx.endpoints.has(name) && !/^\w+$/.test(name)) return { status: 422, body: { message: `Event source not found: ${s}` } };
      if (kind !== 'endpoint' && kind !== 'deviceState' && kind !== 'channel' && kind !== 'bridge') return { status: 400, body: { message: `Invalid event source URI scheme: ${s}` } };
      if ((kind === 'channel' && !this.pbx.channels.has(name)) || (kind === 'bridge' && !this.bridges.has(name))) return { status: 422, body: { message: `Event source not found: ${s}` } };
    }
    for (const s of sources) (add ? app.sources.add(s) : app.sources.delete(s));
    return { status: 200, body: this.application(params.applicationName!) };
  }

  // ---- HTTP / WebSocket plumbing ----

  private authorized(req: http.IncomingMessage, url: URL): boolean {
    const key = url.searchParams.get('api_key');
    if (key !== null) return key === `${this.user}:${this.password}`;
    const h = req.headers.authorization ?? '';
    if (!h.startsWith('Basic ')) return false;
    return Buffer.from(h.slice(6), 'base64').toString('utf8') === `${this.user}:${this.password}`;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(text);
    };
    if (url.pathname.startsWith('/_test/')) return send(...this.control(req.method ?? 'GET', url.pathname.slice(7), chunks));
    if (this.now() < Math.max(this.unavailableUntil, this.restUnavailableUntil)) return send(503, { message: 'Service Unavailable' });
    if (this.restFailures > 0 && url.pathname.startsWith('/ari/')) {
      this.restFailures -= 1;
      return send(503, { message: 'Service Unavailable' });
    }
    if (!url.pathname.startsWith('/ari/')) return send(404, { message: 'Not found' });
    if (!this.authorized(req, url)) return send(401, { error: 'Authentication required' }, { 'www-authenticate': 'Basic realm="Asterisk REST Interface"' });
    const rest = url.pathname.slice(4);
    const doc = /^\/api-docs\/(\w+)\.json$/.exec(rest);
    if (doc && req.method === 'GET') {
      const text = this.docs.render(doc[1]!, req.headers.host ?? `127.0.0.1:${this.port}`);
      return text ? send(200, text) : send(404, { message: 'Not found' });
    }
    let body: Record<string, unknown> = {};
    try {
      if (chunks.length) body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return send(400, { message: 'Bad request body' });
    }
    for (const { r, re } of compiled) {
      const m = re.exec(rest);
      if (!m || r.method !== req.method) continue;
      const params = Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)]));
      // Required query parameters as the api-docs declare them; Asterisk also takes them from a JSON body's keys.
      const missing = this.docs.operation(r.method, r.path)?.parameters?.find((p) => p.required && p.paramType === 'query' && !url.searchParams.has(p.name) && !(p.name in body));
      if (missing) return send(400, { message: `Missing parameter ${missing.name}` });
      const out = r.handle.call(this, { params, query: url.searchParams, body });
      return send(out.status, out.body);
    }
    return send(404, { message: 'Not found' });
  }

  private onUpgrade(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (this.now() < this.unavailableUntil) return refuse(503, 'Service Unavailable');
    if (url.pathname !== '/ari/events') return refuse(404, 'Not Found');
    if (!this.authorized(req, url)) return refuse(401, 'Unauthorized');
    const names = (url.searchParams.get('app') ?? '').split(',').filter(Boolean);
    if (!names.length) return refuse(400, 'Bad Request');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      for (const n of names) {
        const app = this.apps.get(n) ?? this.apps.set(n, { sockets: new Set(), sources: new Set(), all: false }).get(n)!;
        // One WebSocket per application: the newer wins and the older is told so (events.json ApplicationReplaced).
        for (const old of app.sockets) {
          const ev: AriEvent = { type: 'ApplicationReplaced', timestamp: this.timestamp(), asterisk_id: this.asteriskId, application: n };
          this.emitted.push(ev);
          old.send(JSON.stringify(ev));
        }
        app.sockets.clear();
        app.sockets.add(ws);
        if (url.searchParams.get('subscribeAll') === 'true') app.all = true;
      }
      ws.on('close', () => {
        for (const n of names) {
          const app = this.apps.get(n);
          app?.sockets.delete(ws);
          // Asterisk forgets an app's subscriptions once its WebSocket is gone: the client must re-subscribe.
          if (app && app.sockets.size === 0) this.apps.delete(n);
        }
      });
    });
  }

  private control(method: string, what: string, chunks: Buffer[]): [number, unknown?] {
    const b = (chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}) as Record<string, unknown>;
    try {
      if (method === 'POST' && what === 'endpoints') return [200, this.addEndpoint(String(b.tech), String(b.resource), { loaded: b.loaded !== false })];
      if (method === 'POST' && what === 'calls') return [200, { id: this.startCall(String(b.endpoint), Number(b.ms ?? 0), typeof b.app === 'string' ? { app: b.app } : {}) }];
      if (method === 'DELETE' && what.startsWith('calls/')) return this.pbx.channels.has(what.slice(6)) ? (this.hangup(what.slice(6)), [204]) : [404, { message: 'no such call' }];
      if (method === 'POST' && what === 'restart') return this.restart(Number(b.seconds ?? 0)), [204];
      if (method === 'POST' && what === 'rest-down') return this.restDown(Number(b.seconds ?? 0)), [204];
      if (method === 'GET' && what === 'stats') return [200, { hangupsRequested: this.hangupsRequested, channels: this.pbx.channels.size, apps: this.connectedApps(), reloads: this.reloads }];
    } catch (err) {
      return [400, { message: (err as Error).message }];
    }
    return [404, { message: 'Not found' }];
  }
}

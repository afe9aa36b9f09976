// The test ARI server's PBX state (endpoints, channels, device states) and Asterisk-shaped JSON for it (channels.json, endpoints.json, events.json models).

export interface AriEndpoint {
  technology: string;
  resource: string;
  state: 'online' | 'offline' | 'unknown';
  channel_ids: string[];
}

export interface AriChannel {
  id: string;
  protocol_id: string;
  name: string;
  state: 'Down' | 'Ring' | 'Ringing' | 'Up';
  caller: { name: string; number: string };
  connected: { name: string; number: string };
  accountcode: string;
  dialplan: { context: string; exten: string; priority: number; app_name: string; app_data: string };
  creationtime: string;
  language: string;
}

export interface AriEvent {
  type: string;
  application: string;
  timestamp: string;
  asterisk_id: string;
  [field: string]: unknown;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Asterisk's ARI timestamp: `2026-11-28T06:36:43.123+0000` (ast_json_timeval, UTC here). */
export function ariTimestamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`;
}

/** AST_DEVICE_* names as ARI reports them (DeviceState.state). */
export function deviceStateOf(ep: AriEndpoint): string {
  if (ep.channel_ids.length > 0) return 'INUSE';
  return ep.state === 'online' ? 'NOT_INUSE' : 'UNAVAILABLE';
}

export class PbxState {
  readonly endpoints = new Map<string, AriEndpoint>(); // "PJSIP/1001"
  /** realtime rows Asterisk has not loaded yet (inserted after boot): invisible until config/dynamic touches them */
  readonly unloaded = new Map<string, AriEndpoint>();
  readonly channels = new Map<string, AriChannel>();
  private seq = 0;

  constructor(private readonly now: () => number) {}

  addEndpoint(tech: string, resource: string, opts: { loaded?: boolean; state?: AriEndpoint['state'] } = {}): AriEndpoint {
    const ep: AriEndpoint = { technology: tech, resource, state: opts.state ?? 'online', channel_ids: [] };
    (opts.loaded === false ? this.unloaded : this.endpoints).set(`${tech}/${resource}`, ep);
    return ep;
  }

  /** What `GET /asterisk/config/dynamic/res_pjsip/endpoint/{id}` does to a realtime row: sorcery loads it. */
  load(resource: string): AriEndpoint | null {
    const key = `PJSIP/${resource}`;
    const ep = this.endpoints.get(key) ?? this.unloaded.get(key) ?? null;
    if (ep && this.unloaded.delete(key)) this.endpoints.set(key, ep);
    return ep;
  }

  newChannel(ep: AriEndpoint, exten: string): AriChannel {
    this.seq += 1;
    const t = this.now();
    const id = `${Math.floor(t / 1000)}.${this.seq}`;
    const ch: AriChannel = {
      id,
      protocol_id: `call-${id}`,
      name: `${ep.technology}/${ep.resource}-${this.seq.toString(16).padStart(8, '0')}`,
      state: 'Ring',
      caller: { name: '', number: ep.resource },
      connected: { name: '', number: '' },
      accountcode: '',
      dialplan: { context: 'default', exten, priority: 1, app_name: 'Dial', app_data: '' },
      creationtime: ariTimestamp(t),
      language: 'en',
    };
    this.channels.set(id, ch);
    ep.channel_ids.push(id);
    return ch;
  }

  endpointOfChannel(ch: AriChannel): AriEndpoint | undefined {
    const key = ch.name.replace(/-[0-9a-f]+$/, '');
    return this.endpoints.get(key);
  }

  removeChannel(ch: AriChannel): AriEndpoint | undefined {
    this.channels.delete(ch.id);
    const ep = this.endpointOfChannel(ch);
    if (ep) ep.channel_ids = ep.channel_ids.filter((c) => c !== ch.id);
    return ep;
  }
}

/** Q.850 cause text as Asterisk's ast_cause2str gives it, for the causes we use. */
export const causeText: Record<number, string> = { 16: 'Normal Clearing', 0: 'Unknown' };

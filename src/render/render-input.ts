// The typed input of a node's Asterisk bundle and the template data made from it.
// Pure: everything a template may print is prepared (and escaped) here.
import { PbxbootError } from '../errors.js';
import { nodeViewNames } from '../store/pbx-names.js';
import { agentPjsip, defaultEndpointPolicy, noTranscodePrefs, type Agent, type Columns } from './agent-pjsip.js';

export interface NodeIdentity {
  id: string;
  systemname: string;
  /** MAC-like (xx:xx:xx:xx:xx:xx): Asterisk stamps contacts and events with it */
  entityid: string;
}

export interface RenderInput {
  node: NodeIdentity & { name: string; /** management address: ARI/HTTP and SIP bind here */ mgmtAddress: string };
  pbxDb: { host: string; port: number; dbname: string; user: string; password: string };
  /** `passwordHash` is the `$6$` crypt hash; the password itself never reaches the node */
  ari: { user: string; passwordHash: string };
  http: { port: number };
  sip: { port: number };
  rtp: { start: number; end: number };
  /** the SIP proxy (OpenSIPS) in front of the nodes: identified by IP, probed with OPTIONS */
  sipProxy: { address: string; port: number };
  codecs: readonly string[];
  tenant: string;
  /** realtime = PJSIP objects from the shared PostgreSQL PBX DB; static = agents in pjsip.conf (SQLite PBX DB) */
  mode: 'realtime' | 'static';
  /** the node's agents, rendered into pjsip.conf in static mode only */
  agents: readonly Agent[];
}

type KV = { key: string; value: string }[];

export interface TemplateData {
  node: RenderInput['node'];
  pbxDb: RenderInput['pbxDb'];
  ari: RenderInput['ari'];
  http: RenderInput['http'];
  sip: RenderInput['sip'];
  rtp: RenderInput['rtp'];
  sipProxy: RenderInput['sipProxy'];
  tenant: string;
  realtime: boolean;
  codecs: string;
  codecPrefs: string;
  transport: string;
  agentContext: string;
  views: Record<string, string>;
  agents: { id: string; endpoint: KV; aor: KV; auth: KV }[];
}

/**
 * A value printed into a .conf file: `;` starts a comment there, so it is escaped
 * (`\;`); a line break would start a new option, so it is refused.
 */
export function confValue(what: string, v: string | number): string {
  const s = String(v);
  if (/[\r\n]/.test(s)) throw new PbxbootError('E_VALIDATION', `${what} contains a line break`, { value: what });
  return s.replace(/;/g, '\\;');
}

const kv = (what: string, c: Columns): KV =>
  Object.entries(c)
    .filter(([k]) => k !== 'id')
    .map(([key, value]) => ({ key, value: confValue(`${what}.${key}`, value) }));

export function templateData(input: RenderInput): TemplateData {
  const esc = <T extends object>(what: string, o: T): T =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? v : confValue(`${what}.${k}`, String(v))])) as T;
  const policy = { codecs: input.codecs, ...defaultEndpointPolicy };
  return {
    node: esc('node', input.node),
    pbxDb: esc('pbxDb', input.pbxDb),
    ari: esc('ari', input.ari),
    http: input.http,
    sip: input.sip,
    rtp: input.rtp,
    sipProxy: esc('sipProxy', input.sipProxy),
    tenant: confValue('tenant', input.tenant),
    realtime: input.mode === 'realtime',
    codecs: input.codecs.map((c) => confValue('codecs', c)).join(','),
    codecPrefs: noTranscodePrefs,
    transport: policy.transport,
    agentContext: policy.context,
    views: nodeViewNames(input.node.id),
    agents:
      input.mode === 'static'
        ? input.agents.map((a) => {
            const p = agentPjsip(a, policy);
            return { id: confValue('agent id', a.id), endpoint: kv(`agent ${a.id}`, p.endpoint), aor: kv(`agent ${a.id}`, p.aor), auth: kv(`agent ${a.id}`, p.auth) };
          })
        : [],
  };
}

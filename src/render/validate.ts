// Validation of a node's rendered bundle before it may boot (DESIGN §7): every
// check runs and every failure is reported at once, each with file, section and
// key. Pure: files are parsed with conf-parser; agent rows are plain column maps.
import { confAll, confGet, parseConf, type ConfFile, type ConfSection } from './conf-parser.js';
import type { Columns } from './agent-pjsip.js';
import type { NodeIdentity } from './render-input.js';
import { nodeViewNames } from '../store/pbx-names.js';

export const bundleFiles = [
  'asterisk.conf',
  'modules.conf',
  'pjsip.conf',
  'sorcery.conf',
  'extconfig.conf',
  'res_pgsql.conf',
  'ari.conf',
  'http.conf',
  'rtp.conf',
] as const;

export interface ValidationFailure {
  file: string;
  section: string;
  key: string;
  line?: number;
  message: string;
}

export interface ValidationResult {
  ok: boolean;
  failures: ValidationFailure[];
}

export interface ValidationContext {
  node: NodeIdentity;
  codecs: readonly string[];
  mode: 'realtime' | 'static';
  /** other nodes: systemname and entityid must differ from theirs */
  peers?: readonly NodeIdentity[];
  /** ps_endpoints rows this node will load (realtime mode), checked for the codec rule too */
  endpointRows?: readonly Columns[];
}

const macLike = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

export function validateBundle(files: readonly { name: string; content: string }[], ctx: ValidationContext): ValidationResult {
  const failures: ValidationFailure[] = [];
  const fail = (file: string, section: string, key: string, message: string, line?: number) =>
    failures.push(line === undefined ? { file, section, key, message } : { file, section, key, line, message });
  const parsed = new Map<string, ConfFile>();
  for (const f of files) {
    const p = parseConf(f.content);
    for (const e of p.errors) fail(f.name, '', '', e.message, e.line);
    parsed.set(f.name, p);
  }
  for (const name of bundleFiles) if (!parsed.has(name)) fail(name, '', '', 'file missing from the bundle');

  const sections = (file: string, name: string) => parsed.get(file)?.sections.filter((s) => s.name === name) ?? [];
  const one = (file: string, name: string): ConfSection | null => {
    if (!parsed.has(file)) return null;
    const s = sections(file, name);
    if (s.length === 0) fail(file, name, '', `section [${name}] missing`);
    return s[0] ?? null;
  };
  const need = (file: string, s: ConfSection | null, key: string, expect?: (v: string) => string | null): string | undefined => {
    if (!s) return undefined;
    const v = confGet(s, key);
    if (v === undefined) fail(file, s.name, key, `required key "${key}" missing`);
    else if (expect) {
      const why = expect(v);
      if (why) fail(file, s.name, key, why, s.entries.find((e) => e.key === key)?.line);
    }
    return v;
  };
  const equals = (want: string) => (v: string) => (v === want ? null : `must be "${want}", is "${v}"`);
  const port = (v: string) => (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 65535 ? null : `port "${v}" is not in 1..65535`);
  const realtime = ctx.mode === 'realtime';

  // asterisk.conf: identity, unique across nodes.
  const opts = one('asterisk.conf', 'options');
  const sys = need('asterisk.conf', opts, 'systemname', (v) => (/^[A-Za-z0-9_.-]+$/.test(v) ? null : `systemname "${v}" has characters other than letters, digits, _ . -`));
  const eid = need('asterisk.conf', opts, 'entityid', (v) => (macLike.test(v) ? null : `entityid "${v}" is not MAC-like (xx:xx:xx:xx:xx:xx)`));
  for (const p of ctx.peers ?? []) {
    if (p.id === ctx.node.id) continue;
    if (sys !== undefined && p.systemname === sys) fail('asterisk.conf', 'options', 'systemname', `systemname "${sys}" is already node ${p.id}'s`);
    if (eid !== undefined && p.entityid.toLowerCase() === eid.toLowerCase()) fail('asterisk.conf', 'options', 'entityid', `entityid "${eid}" is already node ${p.id}'s`);
  }

  // modules.conf: autoload, and the modules the node cannot run without.
  const mods = one('modules.conf', 'modules');
  need('modules.conf', mods, 'autoload');
  if (mods) {
    const required = new Set(confAll(mods, 'require').map((e) => e.value));
    for (const m of ['res_pjsip.so', ...(realtime ? ['res_config_pgsql.so'] : [])]) {
      if (!required.has(m)) fail('modules.conf', 'modules', 'require', `"require = ${m}" missing`);
    }
    for (const e of confAll(mods, 'noload')) if (required.has(e.value)) fail('modules.conf', 'modules', 'noload', `${e.value} is both required and not loaded`, e.line);
  }

  // pjsip.conf: global, a transport with a valid port, and the codec rule on every endpoint.
  const pj = parsed.get('pjsip.conf');
  if (pj) {
    const typed = (t: string) => pj.sections.filter((s) => confGet(s, 'type') === t);
    if (typed('global').length === 0) fail('pjsip.conf', '', 'type', 'no section with "type = global"');
    const transports = typed('transport');
    if (transports.length === 0) fail('pjsip.conf', '', 'type', 'no section with "type = transport"');
    for (const t of transports) {
      need('pjsip.conf', t, 'protocol');
      need('pjsip.conf', t, 'bind', (v) => {
        const m = /:(\d+)$/.exec(v);
        return m ? port(m[1]!) : `bind "${v}" has no port`;
      });
    }
    for (const e of typed('endpoint')) {
      checkCodecs('pjsip.conf', e.name, (k) => confAll(e, k).map((x) => x.value), ctx.codecs, fail);
      const firstAllow = confAll(e, 'allow')[0];
      const firstDisallow = confAll(e, 'disallow')[0];
      if (firstAllow && firstDisallow && firstAllow.line < firstDisallow.line) {
        fail('pjsip.conf', e.name, 'allow', '"allow" before "disallow = all" is cleared by it', firstAllow.line);
      }
    }
  }
  for (const row of ctx.endpointRows ?? []) {
    checkCodecs('ps_endpoints', String(row.id ?? ''), (k) => (row[k] === undefined || row[k] === null ? [] : [String(row[k])]), ctx.codecs, fail);
  }

  // Realtime wiring: sorcery → extconfig → this node's views → res_pgsql.
  if (realtime) {
    const views = nodeViewNames(ctx.node.id);
    const sorc = one('sorcery.conf', 'res_pjsip');
    if (sorc) {
      for (const [obj, fam] of [['endpoint', 'ps_endpoints'], ['aor', 'ps_aors'], ['auth', 'ps_auths']] as const) {
        if (!confAll(sorc, obj).some((e) => e.value.replace(/\s/g, '') === `realtime,${fam}`)) fail('sorcery.conf', 'res_pjsip', obj, `"${obj} = realtime,${fam}" missing`);
      }
      if (confAll(sorc, 'contact').some((e) => e.value.includes('realtime'))) fail('sorcery.conf', 'res_pjsip', 'contact', 'contacts must stay node-local, not realtime');
    }
    const ext = one('extconfig.conf', 'settings');
    for (const fam of ['ps_endpoints', 'ps_aors', 'ps_auths'] as const) need('extconfig.conf', ext, fam, equals(`pgsql,general,${views[fam]}`));
    const pg = one('res_pgsql.conf', 'general');
    for (const k of ['dbhost', 'dbname', 'dbuser', 'dbpass']) need('res_pgsql.conf', pg, k);
    need('res_pgsql.conf', pg, 'dbport', port);
    need('res_pgsql.conf', pg, 'requirements', equals('warn'));
  }

  // ari.conf: enabled, one crypt user, no browser origins.
  const ariGen = one('ari.conf', 'general');
  need('ari.conf', ariGen, 'enabled', equals('yes'));
  if (ariGen && (confGet(ariGen, 'allowed_origins') ?? '') !== '') fail('ari.conf', 'general', 'allowed_origins', 'must be empty');
  const users = parsed.get('ari.conf')?.sections.filter((s) => confGet(s, 'type') === 'user') ?? [];
  if (parsed.has('ari.conf') && users.length !== 1) fail('ari.conf', '', 'type', `expected exactly one "type = user" section, found ${users.length}`);
  for (const u of users) {
    need('ari.conf', u, 'password_format', equals('crypt'));
    need('ari.conf', u, 'password', (v) => (/^\$6\$(rounds=\d+\$)?[^$]{1,16}\$[./0-9A-Za-z]{86}$/.test(v) ? null : 'password is not a SHA-512 crypt ($6$) hash'));
  }

  // http.conf and rtp.conf: enabled, bound, ports in range.
  const http = one('http.conf', 'general');
  need('http.conf', http, 'enabled', equals('yes'));
  need('http.conf', http, 'bindaddr');
  need('http.conf', http, 'bindport', port);
  const rtp = one('rtp.conf', 'general');
  const rs = need('rtp.conf', rtp, 'rtpstart', port);
  const re = need('rtp.conf', rtp, 'rtpend', port);
  if (rs !== undefined && re !== undefined && !port(rs) && !port(re) && Number(rs) >= Number(re)) fail('rtp.conf', 'general', 'rtpend', `rtpend ${re} is not above rtpstart ${rs}`);

  return { ok: failures.length === 0, failures };
}

/**
 * One codec list everywhere, no transcoding: `disallow = all` before any `allow`,
 * the allowed codecs exactly the configured list, and negotiation preferences
 * that prevent transcoding on incoming and outgoing offers.
 */
function checkCodecs(
  file: string,
  section: string,
  values: (key: string) => string[],
  codecs: readonly string[],
  fail: (file: string, section: string, key: string, message: string) => void,
): void {
  const disallow = values('disallow');
  if (disallow.length === 0 || disallow[0]!.replace(/\s/g, '') !== 'all') fail(file, section, 'disallow', '"disallow = all" must come first');
  const allowed = values('allow').flatMap((v) => v.split(',').map((c) => c.trim()).filter(Boolean));
  if (allowed.join(',') !== codecs.join(',')) fail(file, section, 'allow', `allows "${allowed.join(',')}", config codecs are "${codecs.join(',')}" (no transcoding)`);
  for (const k of ['codec_prefs_incoming_offer', 'codec_prefs_outgoing_offer']) {
    const v = values(k).at(-1);
    if (v === undefined || !/transcode\s*:\s*prevent/.test(v)) fail(file, section, k, `${k} must say "transcode: prevent"`);
  }
}

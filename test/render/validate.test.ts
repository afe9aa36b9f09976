// Validation refusals, one named case each: the failure names file, section and
// key, and every failure of a bundle is reported at once.
import t from 'tap';
import { renderNodeBundle, agentEndpointRow, type BundleFile } from '../../src/render/bundle.js';
import { loadAsteriskTemplates } from '../../src/render/templates.js';
import { validateBundle, type ValidationContext } from '../../src/render/validate.js';
import { representativeNode } from './fixtures.js';

const templates = loadAsteriskTemplates();
const good = renderNodeBundle(representativeNode(), { templates }).files;
const ctx: ValidationContext = { node: representativeNode().node, codecs: ['ulaw', 'alaw'], mode: 'realtime' };

function edit(files: readonly BundleFile[], name: string, f: (s: string) => string): BundleFile[] {
  return files.map((x) => (x.name === name ? { ...x, content: f(x.content) } : x));
}
const sub = (name: string, from: string | RegExp, to: string) => edit(good, name, (s) => {
  const out = s.replace(from, to);
  if (out === s) throw new Error(`fixture edit did not apply to ${name}: ${String(from)}`);
  return out;
});

const cases: { name: string; files: BundleFile[]; ctx?: Partial<ValidationContext>; want: { file: string; section: string; key: string } }[] = [
  { name: 'missing systemname', files: sub('asterisk.conf', /systemname = .*\n/, ''), want: { file: 'asterisk.conf', section: 'options', key: 'systemname' } },
  { name: 'entityid not MAC-like', files: sub('asterisk.conf', /entityid = .*/, 'entityid = pbx01'), want: { file: 'asterisk.conf', section: 'options', key: 'entityid' } },
  { name: 'systemname taken by another node', files: good, ctx: { peers: [{ id: 'pbx02', systemname: 'pbx01', entityid: '02:00:00:00:00:99' }] }, want: { file: 'asterisk.conf', section: 'options', key: 'systemname' } },
  { name: 'entityid taken by another node', files: good, ctx: { peers: [{ id: 'pbx02', systemname: 'pbx02', entityid: '02:00:0A:00:00:0B' }] }, want: { file: 'asterisk.conf', section: 'options', key: 'entityid' } },
  { name: 'realtime driver not required', files: sub('modules.conf', 'require = res_config_pgsql.so', ''), want: { file: 'modules.conf', section: 'modules', key: 'require' } },
  { name: 'endpoint allows an extra codec (transcoding)', files: sub('pjsip.conf', 'allow = ulaw,alaw', 'allow = ulaw,alaw,g729'), want: { file: 'pjsip.conf', section: 'sip-proxy', key: 'allow' } },
  { name: 'endpoint without disallow=all', files: sub('pjsip.conf', 'disallow = all\n', ''), want: { file: 'pjsip.conf', section: 'sip-proxy', key: 'disallow' } },
  { name: 'allow before disallow', files: sub('pjsip.conf', 'disallow = all\nallow = ulaw,alaw', 'allow = ulaw,alaw\ndisallow = all'), want: { file: 'pjsip.conf', section: 'sip-proxy', key: 'allow' } },
  { name: 'codec prefs allow transcoding', files: sub('pjsip.conf', /codec_prefs_outgoing_offer = .*/, 'codec_prefs_outgoing_offer = prefer: pending, operation: union, keep: all, transcode: allow'), want: { file: 'pjsip.conf', section: 'sip-proxy', key: 'codec_prefs_outgoing_offer' } },
  { name: 'transport port out of range', files: sub('pjsip.conf', 'bind = 10.0.0.11:5060', 'bind = 10.0.0.11:70000'), want: { file: 'pjsip.conf', section: 'transport-udp', key: 'bind' } },
  { name: 'sorcery endpoint not realtime', files: sub('sorcery.conf', 'endpoint = realtime,ps_endpoints', ''), want: { file: 'sorcery.conf', section: 'res_pjsip', key: 'endpoint' } },
  { name: 'contacts shared through realtime', files: sub('sorcery.conf', '[res_pjsip]', '[res_pjsip]\ncontact = realtime,ps_contacts'), want: { file: 'sorcery.conf', section: 'res_pjsip', key: 'contact' } },
  { name: 'extconfig maps the shared table, not the node view', files: sub('extconfig.conf', 'pgsql,general,pbx01_ps_aors', 'pgsql,general,ps_aors'), want: { file: 'extconfig.conf', section: 'settings', key: 'ps_aors' } },
  { name: 'res_pgsql may alter the schema', files: sub('res_pgsql.conf', 'requirements = warn', 'requirements = createclose'), want: { file: 'res_pgsql.conf', section: 'general', key: 'requirements' } },
  { name: 'res_pgsql port out of range', files: sub('res_pgsql.conf', 'dbport = 5432', 'dbport = 0'), want: { file: 'res_pgsql.conf', section: 'general', key: 'dbport' } },
  { name: 'ARI plain password', files: sub('ari.conf', 'password_format = crypt', 'password_format = plain'), want: { file: 'ari.conf', section: 'pbxboot', key: 'password_format' } },
  { name: 'ARI password not a $6$ hash', files: sub('ari.conf', /password = \$6\$.*/, 'password = secret'), want: { file: 'ari.conf', section: 'pbxboot', key: 'password' } },
  { name: 'ARI allowed_origins set', files: sub('ari.conf', 'allowed_origins =', 'allowed_origins = *'), want: { file: 'ari.conf', section: 'general', key: 'allowed_origins' } },
  { name: 'HTTP disabled', files: sub('http.conf', 'enabled = yes', 'enabled = no'), want: { file: 'http.conf', section: 'general', key: 'enabled' } },
  { name: 'HTTP port out of range', files: sub('http.conf', 'bindport = 8088', 'bindport = 65536'), want: { file: 'http.conf', section: 'general', key: 'bindport' } },
  { name: 'RTP range inverted', files: sub('rtp.conf', 'rtpend = 20000', 'rtpend = 9000'), want: { file: 'rtp.conf', section: 'general', key: 'rtpend' } },
  { name: 'file missing', files: good.filter((f) => f.name !== 'http.conf'), want: { file: 'http.conf', section: '', key: '' } },
  { name: 'unparseable line', files: sub('rtp.conf', '[general]', '[general]\nthis is not an option'), want: { file: 'rtp.conf', section: '', key: '' } },
  {
    name: 'agent row allowing transcoding',
    files: good,
    ctx: { endpointRows: [{ ...agentEndpointRow({ id: 'a9', extension: '9', name: '', tenant: 'acme', department: '', secret: 'x' }, ['ulaw', 'alaw']), allow: 'ulaw,alaw,opus' }] },
    want: { file: 'ps_endpoints', section: 'a9', key: 'allow' },
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const r = validateBundle(c.files, { ...ctx, ...c.ctx });
    t.equal(r.ok, false, 'refused');
    t.match(r.failures, [c.want], `failure names ${c.want.file} [${c.want.section}] ${c.want.key}`);
  });
}

t.test('every failure is reported at once', async (t) => {
  let files = sub('http.conf', 'bindport = 8088', 'bindport = 0');
  files = edit(files, 'rtp.conf', (s) => s.replace('rtpend = 20000', 'rtpend = 1'));
  files = edit(files, 'pjsip.conf', (s) => s.replace('allow = ulaw,alaw', 'allow = ulaw'));
  const r = validateBundle(files, ctx);
  t.same(r.failures.map((f) => `${f.file}:${f.key}`).sort(), ['http.conf:bindport', 'pjsip.conf:allow', 'rtp.conf:rtpend']);
});

t.test('the good bundle and agent rows pass', async (t) => {
  const rows = [agentEndpointRow({ id: 'a1', extension: '1', name: 'A', tenant: 'acme', department: '', secret: 'x' }, ['ulaw', 'alaw'])];
  t.same(validateBundle(good, { ...ctx, endpointRows: rows, peers: [{ id: 'pbx01', systemname: 'pbx01', entityid: '02:00:0a:00:00:0b' }] }), { ok: true, failures: [] });
});

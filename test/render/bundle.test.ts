// Golden files of every Asterisk template for a representative node, in both
// modes. Regenerate only on request: PBXBOOT_UPDATE_GOLDEN=1 npx tap test/render/bundle.test.ts
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { renderNodeBundle } from '../../src/render/bundle.js';
import { loadAsteriskTemplates, loadAsteriskTemplateSources } from '../../src/render/templates.js';
import { bundleFiles } from '../../src/render/validate.js';
import { parseConf } from '../../src/render/conf-parser.js';
import { representativeNode } from './fixtures.js';

const golden = join(dirname(fileURLToPath(import.meta.url)), 'golden');
const update = process.env.PBXBOOT_UPDATE_GOLDEN === '1';
const templates = loadAsteriskTemplates();

for (const mode of ['realtime', 'static'] as const) {
  t.test(`golden bundle (${mode})`, async (t) => {
    const b = renderNodeBundle(representativeNode(mode), { templates });
    t.same(b.validation, { ok: true, failures: [] }, 'the representative node validates');
    t.same(b.files.map((f) => f.name), [...bundleFiles], 'every template rendered, in order');
    for (const f of b.files) {
      t.equal(f.sha256, createHash('sha256').update(f.content).digest('hex'), `${f.name} checksum`);
      t.same(parseConf(f.content).errors, [], `${f.name} parses`);
      const path = join(golden, mode, f.name);
      if (update) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.content);
      }
      t.ok(existsSync(path), `golden ${mode}/${f.name} exists (PBXBOOT_UPDATE_GOLDEN=1 writes it)`);
      t.equal(f.content, readFileSync(path, 'utf8'), `${mode}/${f.name} matches its golden file`);
    }
  });
}

t.test('strict mode: a missing variable is an error, not an empty string', async (t) => {
  const input = representativeNode();
  // @ts-expect-error deliberately incomplete input
  delete input.node.entityid;
  t.throws(() => renderNodeBundle(input, { templates }), { code: 'E_VALIDATION', message: /asterisk\.conf.*entityid/ });
});

t.test('a value with a line break is refused; ";" is escaped', async (t) => {
  const input = representativeNode();
  input.pbxDb.password = 'a\nrequirements = createclose';
  t.throws(() => renderNodeBundle(input, { templates }), { code: 'E_VALIDATION' });
  const ok = renderNodeBundle(representativeNode(), { templates });
  t.match(ok.files.find((f) => f.name === 'res_pgsql.conf')!.content, /dbpass = db\\;pass/);
});

t.test('operator overrides: same name, same data, same validation', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pbxboot-tpl-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const base = loadAsteriskTemplateSources().sources['rtp.conf']!;
  writeFileSync(join(dir, 'rtp.conf.hbs'), base.replace('icesupport = no', 'icesupport = no\nstrictrtp = yes'));
  const b = renderNodeBundle(representativeNode(), { templates: loadAsteriskTemplates({ overrideDir: dir }) });
  t.match(b.files.find((f) => f.name === 'rtp.conf')!.content, /strictrtp = yes/);
  t.ok(b.validation.ok);
  // An override that allows transcoding is refused like a built-in one would be.
  const pj = loadAsteriskTemplateSources().sources['pjsip.conf']!;
  writeFileSync(join(dir, 'pjsip.conf.hbs'), pj.replace('allow = {{codecs}}', 'allow = {{codecs}},g722'));
  const bad = renderNodeBundle(representativeNode(), { templates: loadAsteriskTemplates({ overrideDir: dir }) });
  t.match(bad.validation.failures, [{ file: 'pjsip.conf', section: 'sip-proxy', key: 'allow' }]);
  // A misspelt override is refused, not silently ignored; so is a broken template.
  writeFileSync(join(dir, 'pjsp.conf.hbs'), '');
  t.throws(() => loadAsteriskTemplates({ overrideDir: dir }), { code: 'E_CONFIG', message: /pjsp\.conf\.hbs/ });
  rmSync(join(dir, 'pjsp.conf.hbs'));
  writeFileSync(join(dir, 'http.conf.hbs'), '{{#if x}}');
  t.throws(() => loadAsteriskTemplates({ overrideDir: dir }), { code: 'E_CONFIG', message: /http\.conf\.hbs/ });
});

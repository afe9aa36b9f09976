// Config: file → env → flags, validated once; errors name the key and the value.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { defaultConfigYaml } from '../../src/config/default-file.js';
import { envName, flagName } from '../../src/config/keys.js';

const dir = t.testdir({});
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

t.test('defaults and the init file agree', async (t) => {
  const d = loadConfig({ env: {} });
  t.equal(d.dhcp.mode, 'proxy');
  t.equal(d.http.port, 8080);
  const f = loadConfig({ file: file('default.yaml', defaultConfigYaml), env: {} });
  const { configFile: _a, ...fromFile } = f;
  const { configFile: _b, ...defaults } = d;
  t.same(fromFile, defaults, 'the commented default file parses to the defaults');
});

t.test('precedence: file < env < flag', async (t) => {
  const p = file('p.yaml', 'http:\n  port: 9001\ndhcp:\n  mode: server\n');
  t.equal(loadConfig({ file: p, env: {} }).http.port, 9001);
  t.equal(loadConfig({ file: p, env: { PBXBOOT_HTTP_PORT: '9002' } }).http.port, 9002);
  t.equal(loadConfig({ file: p, env: { PBXBOOT_HTTP_PORT: '9002' }, flags: { 'http.port': '9003' } }).http.port, 9003);
  t.same(loadConfig({ env: { PBXBOOT_CODECS: 'alaw,g722' } }).codecs, ['alaw', 'g722']);
  t.equal(envName('dhcp.leaseSeconds'), 'PBXBOOT_DHCP_LEASE_SECONDS');
  t.equal(flagName('dhcp.leaseSeconds'), 'dhcp-lease-seconds');
  t.equal(envName('dataDir'), 'PBXBOOT_DATA_DIR');
});

t.test('errors name the key and the value', async (t) => {
  t.throws(() => loadConfig({ file: file('u.yaml', 'dhcp:\n  mdoe: proxy\n'), env: {} }), {
    code: 'E_CONFIG',
    message: /unknown config key "dhcp\.mdoe"/,
  });
  t.throws(() => loadConfig({ file: file('v.yaml', 'dhcp:\n  mode: sometimes\n'), env: {} }), {
    message: /dhcp\.mode: "sometimes"/,
  });
  t.throws(() => loadConfig({ env: { PBXBOOT_HTTP_PORT: 'eighty' } }), { message: /PBXBOOT_HTTP_PORT.*"eighty"/ });
  t.throws(() => loadConfig({ env: { PBXBOOT_HTTP_PORT: '70000' } }), { message: /http\.port: 70000/ });
  t.throws(() => loadConfig({ file: file('m.yaml', 'http:\n  port: [1,\n'), env: {} }), { message: /malformed YAML .* line \d+/ });
  t.throws(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }), { message: /cannot read config file/ });
  t.throws(() => loadConfig({ env: {}, flags: { 'no.such': '1' } }), { message: /unknown config key "no\.such"/ });
});

t.test('boolean keys from the environment and flags; bad text names the key', async (t) => {
  const c = loadConfig({ file: '/dev/null', env: { [envName('tftp.segmentOffload')]: 'false', [envName('ari.maxConcurrentStarts')]: '4' }, flags: { 'netboot.routerAdvertisement': 'on' } });
  t.equal(envName('tftp.segmentOffload'), 'PBXBOOT_TFTP_SEGMENT_OFFLOAD');
  t.equal(flagName('netboot.routerAdvertisement'), 'netboot-router-advertisement');
  t.equal(c.tftp.segmentOffload, false);
  t.equal(c.netboot.routerAdvertisement, true);
  t.equal(c.ari.maxConcurrentStarts, 4);
  t.throws(() => loadConfig({ file: '/dev/null', env: { PBXBOOT_TFTP_SEGMENT_OFFLOAD: 'maybe' } }), /tftp\.segmentOffload must be true or false, got "maybe"/);
});

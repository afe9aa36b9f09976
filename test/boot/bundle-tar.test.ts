// The bundle codec against real tar readers (busybox tar, GNU tar) and
// sha256sum -c, as the node agent uses them; plus decode checks.
import t from 'tap';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBundle, encodeBundle } from '../../src/boot/bundle-tar.js';

const files = [
  { name: 'pjsip.conf', content: '[global]\ntype=global\n' },
  { name: 'asterisk.conf', content: Buffer.alloc(1500, 0x61) }, // spans blocks
  { name: 'empty.conf', content: '' },
];

t.test('busybox tar and GNU tar unpack it; sha256sum -c passes', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pbx-bundle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const b = encodeBundle(files, { node: 'pbx01', token: 's3' });
  writeFileSync(join(dir, 'b.tar'), b.body);
  for (const [tool, args] of [
    ['busybox', ['tar', '-xf', '../b.tar']],
    ['tar', ['-xf', '../b.tar']],
  ] as const) {
    const out = join(dir, tool);
    await execa('mkdir', ['-p', out]);
    await execa(tool, [...args], { cwd: out });
    const list = await execa(tool, tool === 'busybox' ? ['tar', '-tf', '../b.tar'] : ['-tf', '../b.tar'], { cwd: out });
    t.same(String(list.stdout).split('\n'), ['SHA256SUMS', 'MANIFEST', 'asterisk.conf', 'empty.conf', 'pjsip.conf'], `${tool}: members`);
    await execa('busybox', ['sha256sum', '-c', 'SHA256SUMS'], { cwd: out });
    t.equal(readFileSync(join(out, 'pjsip.conf'), 'utf8'), '[global]\ntype=global\n', `${tool}: content`);
    t.equal(readFileSync(join(out, 'MANIFEST'), 'utf8'), 'node=pbx01\ntoken=s3\n', `${tool}: manifest`);
  }
  const sums = await execa('sha256sum', [], { input: b.sums });
  t.equal(b.etag, `"${String(sums.stdout).split(' ')[0]}"`, 'ETag is sha256(SHA256SUMS), the agent fallback');
});

t.test('deterministic and round-trips', async (t) => {
  const a = encodeBundle(files, { node: 'pbx01' });
  const b = encodeBundle([...files].reverse(), { node: 'pbx01' });
  t.ok(a.body.equals(b.body), 'same files, same bytes');
  t.equal(a.etag, b.etag);
  const d = decodeBundle(a.body);
  t.same([...d.files.keys()].sort(), ['asterisk.conf', 'empty.conf', 'pjsip.conf']);
  t.same(d.manifest, { node: 'pbx01' });
  t.equal(d.etag, a.etag);
  t.not(encodeBundle([{ name: 'x.conf', content: '1' }]).etag, encodeBundle([{ name: 'x.conf', content: '2' }]).etag, 'content changes the ETag');
});

t.test('refuses bad names and tampering', async (t) => {
  for (const name of ['../x', 'a/b', '.', '..', 'SHA256SUMS', 'MANIFEST', 'a b', '']) {
    t.throws(() => encodeBundle([{ name, content: 'x' }]), { code: 'E_VALIDATION' }, `name ${JSON.stringify(name)}`);
  }
  t.throws(() => encodeBundle([{ name: 'a', content: '1' }, { name: 'a', content: '2' }]), { code: 'E_VALIDATION' }, 'duplicate');
  const body = Buffer.from(encodeBundle(files).body);
  const at = body.indexOf('[global]');
  body[at] = 0x28; // '(' : content no longer matches SHA256SUMS
  t.throws(() => decodeBundle(body), { code: 'E_VALIDATION', message: /checksum mismatch: pjsip.conf/ });
});

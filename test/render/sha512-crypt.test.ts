// SHA-512 crypt: the specification's vectors, and agreement with OpenSSL's
// `passwd -6` (a real, independent implementation) for assorted lengths.
import t from 'tap';
import { execa } from 'execa';
import { cryptSalt, sha512Crypt, verifySha512Crypt } from '../../src/render/sha512-crypt.js';
import { ARI_HASH_ROUNDS } from '../../src/render/node-renderer.js';

t.test('specification vectors', async (t) => {
  t.equal(sha512Crypt('Hello world!', 'saltstring'), '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1');
  t.equal(
    sha512Crypt('Hello world!', 'saltstringsaltstring', 10000),
    '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
    'rounds and a salt truncated to 16',
  );
});

t.test('agrees with openssl passwd -6', async (t) => {
  const which = await execa('openssl', ['version'], { reject: false });
  t.equal(which.exitCode, 0, 'openssl is installed (Debian package openssl)');
  for (const pw of ['a', 'ari-password', 'x'.repeat(63), 'y'.repeat(64), 'z'.repeat(65), 'ünïcödé;$6$', 'p'.repeat(200)]) {
    const salt = cryptSalt();
    const { stdout } = await execa('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], { input: pw });
    t.equal(sha512Crypt(pw, salt), stdout.trim(), `password of length ${pw.length}`);
  }
});

// Asterisk checks an ari.conf crypt password with the C library's crypt(3); Perl's crypt is that same call.
t.test("libc's crypt(3) reads the rounds the node renderer uses", async (t) => {
  const salt = cryptSalt();
  const { stdout } = await execa('perl', ['-e', 'print crypt($ARGV[0], $ARGV[1])', 'pbx-ari-secret', `$6$rounds=${ARI_HASH_ROUNDS}$${salt}$`]);
  t.equal(sha512Crypt('pbx-ari-secret', salt, ARI_HASH_ROUNDS), stdout, `rounds=${ARI_HASH_ROUNDS}`);
  t.match(stdout, new RegExp(`^\\$6\\$rounds=${ARI_HASH_ROUNDS}\\$`));
});

t.test('verify', async (t) => {
  const h = sha512Crypt('s3cret', cryptSalt());
  t.ok(verifySha512Crypt('s3cret', h));
  t.notOk(verifySha512Crypt('s3creT', h));
  t.notOk(verifySha512Crypt('s3cret', 's3cret'));
  t.match(cryptSalt(), /^[./0-9A-Za-z]{16}$/);
});

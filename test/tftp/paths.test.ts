// Root confinement of requested names: the traversal table (pure half; the symlink half is in server.test.ts).
import t from 'tap';
import { confinePath } from '../../src/tftp/paths.js';

const ok: Array<[string, string]> = [
  ['ipxe.efi', 'ipxe.efi'],
  ['boot/x86/undionly.kpxe', 'boot/x86/undionly.kpxe'],
  ['./a//b/./c', 'a/b/c'],
  ['..a/b..', '..a/b..'],
  ['a/...', 'a/...'],
];
for (const [req, want] of ok) t.same(confinePath(req), { ok: true, path: want }, `accepts ${JSON.stringify(req)}`);

const traversal: Array<[string, string]> = [
  ['..', 'dotdot'],
  ['../etc/passwd', 'dotdot'],
  ['a/../../etc/passwd', 'dotdot'],
  ['a/..', 'dotdot'],
  ['./../x', 'dotdot'],
  ['/etc/passwd', 'absolute'],
  ['//etc/passwd', 'absolute'],
  ['C:/Windows/win.ini', 'absolute'],
  ['..\\..\\etc\\passwd', 'backslash'],
  ['a\\b', 'backslash'],
  ['a\u0000b', 'nul'],
  ['a\nb', 'control'],
  ['a\u007fb', 'control'],
  ['x'.repeat(256), 'too-long'],
  ['', 'empty'],
  ['./', 'empty'],
];
for (const [req, reason] of traversal) {
  const r = confinePath(req);
  t.same(r, { ok: false, reason, path: req }, `denies ${JSON.stringify(req.slice(0, 40))}: ${reason}`);
}
t.same(confinePath('x'.repeat(255)), { ok: true, path: 'x'.repeat(255) }, '255 bytes is the limit');

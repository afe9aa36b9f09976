// The iPXE script templates render in Handlebars strict mode with exactly the
// documented variables, raw (no HTML escaping of URLs), and keep their retry/
// backoff and action structure. Real iPXE runs them in test/e2e.
import t from 'tap';
import Handlebars from 'handlebars';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../templates/ipxe/', import.meta.url));
const compile = (f: string) => Handlebars.compile(readFileSync(dir + f, 'utf8'), { strict: true });

const nodeVars = {
  node: 'pbx01',
  mac: '52:54:00:aa:bb:cc',
  serverUrl: 'http://10.0.0.1:8080',
  token: 'abc&def',
  kernelUrl: 'http://10.0.0.1:8080/boot/files/test/vmlinuz?x=1&y=2',
  initrds: [
    { name: 'initrd.img', url: 'http://10.0.0.1:8080/boot/files/test/initrd.img' },
    { name: 'extra.img', url: 'http://10.0.0.1:8080/boot/files/test/extra.img' },
  ],
  cmdline: 'console=ttyS0 quiet',
};

t.test('node.ipxe.hbs', async (t) => {
  const out = compile('node.ipxe.hbs')(nodeVars);
  t.match(out, /^#!ipxe\n/, 'iPXE magic on the first line');
  t.match(
    out,
    'kernel --name vmlinuz http://10.0.0.1:8080/boot/files/test/vmlinuz?x=1&y=2 initrd=initrd.img initrd=extra.img console=ttyS0 quiet pbxboot.url=http://10.0.0.1:8080 pbxboot.node=pbx01 pbxboot.token=abc&def || goto pbx-fail',
    'kernel line: raw URLs, every initrd named for the EFI stub, agent keys',
  );
  t.match(out, 'initrd --name extra.img http://10.0.0.1:8080/boot/files/test/extra.img || goto pbx-fail');
  t.match(out, /\nset pbx-delay:int32 1\n/, 'the delay is numeric, so inc can store into it');
  t.match(out, /sleep \$\{pbx-delay\}\niseq \$\{pbx-delay\} 64 \|\| inc pbx-delay \$\{pbx-delay\}\ngoto pbx-retry/, 'doubling backoff capped at 64 s');
  t.notMatch(out, /&amp;/, 'no HTML escaping');
  for (const k of Object.keys(nodeVars)) {
    const v: Record<string, unknown> = { ...nodeVars };
    delete v[k];
    t.throws(() => compile('node.ipxe.hbs')(v), `strict: missing ${k} is an error`);
  }
});

t.test('unknown.ipxe.hbs', async (t) => {
  const vars = { mac: '52:54:00:aa:bb:cc', reason: 'not enrolled', serverName: 'pbxboot', delaySeconds: 30, action: 'reboot' };
  for (const action of ['reboot', 'poweroff', 'exit', 'halt']) {
    const out = compile('unknown.ipxe.hbs')({ ...vars, action });
    t.match(out, `goto pbx-${action}\n`, `${action}: jumps to its label`);
    t.match(out, new RegExp(`^:pbx-${action}$`, 'm'), `${action}: label exists`);
  }
  const out = compile('unknown.ipxe.hbs')(vars);
  t.match(out, 'sleep 30\n');
  t.match(out, 'pbxboot nodes accept 52:54:00:aa:bb:cc');
  for (const k of Object.keys(vars)) {
    const v: Record<string, unknown> = { ...vars };
    delete v[k];
    t.throws(() => compile('unknown.ipxe.hbs')(v), `strict: missing ${k} is an error`);
  }
});

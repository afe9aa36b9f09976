// The Asterisk .conf parser on the constructs Asterisk's config.c accepts.
import t from 'tap';
import { confAll, confGet, parseConf } from '../../src/render/conf-parser.js';

t.test('sections, templates, both assignment forms, comments, escapes', async (t) => {
  const f = parseConf(
    [
      '; header comment',
      '#include "extra.conf"',
      '[directories](!)',
      'astetcdir => /etc/asterisk',
      '[a](tpl1, tpl2)',
      'key = value ; trailing comment',
      'pass = se\\;cret',
      'both = x\\;y ; escaped, then a real comment',
      ';-- block',
      'hidden = yes',
      '--;',
      'allow = ulaw',
      'allow = alaw',
      'empty =',
      '[a]',
      'type = aor ;-- inline block --; ',
    ].join('\n'),
  );
  t.same(f.errors, []);
  t.same(f.directives, [{ directive: 'include', arg: 'extra.conf', line: 2 }]);
  t.same(f.sections.map((s) => [s.name, s.options, s.line]), [['directories', ['!'], 3], ['a', ['tpl1', 'tpl2'], 5], ['a', [], 15]]);
  const a = f.sections[1]!;
  t.equal(confGet(f.sections[0]!, 'astetcdir'), '/etc/asterisk', '=> form');
  t.equal(confGet(a, 'key'), 'value');
  t.equal(confGet(a, 'pass'), 'se;cret', '\\; is a literal semicolon');
  t.equal(confGet(a, 'both'), 'x;y', 'an escape and a comment on one line');
  t.equal(confGet(a, 'hidden'), undefined, 'block comment');
  t.same(confAll(a, 'allow').map((e) => [e.value, e.line]), [['ulaw', 12], ['alaw', 13]]);
  t.equal(confGet(a, 'empty'), '');
  t.equal(confGet(f.sections[2]!, 'type'), 'aor');
});

t.test('errors carry line numbers', async (t) => {
  const f = parseConf('orphan = 1\n[ok]\nno equals sign\n[broken\n#bogus x\n;-- never closed');
  t.same(f.errors.map((e) => e.line), [1, 3, 4, 5, 6]);
});

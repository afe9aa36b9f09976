// Renders the iPXE scripts (templates/ipxe/*.hbs) from typed data. Pure: the
// template text is loaded by the caller; strict mode makes a missing variable an error.
import Handlebars from 'handlebars';
import type { Profile } from './profiles.js';
import { safeScriptValue } from './profiles.js';

export interface IpxeTemplates {
  node: string;
  unknown: string;
}

export interface CompiledIpxe {
  node: HandlebarsTemplateDelegate;
  unknown: HandlebarsTemplateDelegate;
}

export function compileIpxe(t: IpxeTemplates): CompiledIpxe {
  // compile() is lazy: parse now so a broken template fails at start, not at boot.
  Handlebars.parse(t.node);
  Handlebars.parse(t.unknown);
  return {
    node: Handlebars.compile(t.node, { strict: true, noEscape: true }),
    unknown: Handlebars.compile(t.unknown, { strict: true, noEscape: true }),
  };
}

export function nodeScript(c: CompiledIpxe, d: { node: string; mac: string; serverUrl: string; token: string; profile: Profile }): string {
  const file = (p: string) => `${d.serverUrl}/boot/files/${p.split('/').map(encodeURIComponent).join('/')}?node=${encodeURIComponent(d.node)}`;
  return c.node({
    node: safeScriptValue('node', d.node),
    mac: d.mac,
    serverUrl: safeScriptValue('server URL', d.serverUrl),
    token: d.token,
    kernelUrl: safeScriptValue('kernel', file(d.profile.kernel)),
    initrds: d.profile.initrd.map((p) => ({ name: safeScriptValue('initrd', p.split('/').pop()!), url: safeScriptValue('initrd', file(p)) })),
    cmdline: safeScriptValue('cmdline', d.profile.cmdline, true),
  });
}

export function unknownScript(c: CompiledIpxe, d: { mac: string; reason: string; serverName: string; delaySeconds: number; action: 'reboot' | 'poweroff' | 'exit' | 'halt' }): string {
  return c.unknown({ ...d, reason: d.reason.replace(/[\r\n]/g, ' ') });
}

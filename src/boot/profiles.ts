// Boot profiles (pure): which kernel, initrds and command line a node boots.
// `default` is the Asterisk node image unless the config overrides it.
import type { Config } from '../config/schema.js';
import { PbxbootError } from '../errors.js';

export interface Profile {
  kernel: string;
  initrd: string[];
  cmdline: string;
  bundle: boolean;
}

export const builtinDefaultProfile: Profile = {
  kernel: 'asterisk-node/vmlinuz',
  initrd: ['asterisk-node/initrd.img'],
  cmdline: 'console=ttyS0,115200 quiet',
  bundle: true,
};

export function resolveProfile(config: Pick<Config, 'profiles'>, name: string): Profile {
  const p = config.profiles[name] ?? (name === 'default' ? builtinDefaultProfile : undefined);
  if (!p) throw new PbxbootError('E_CONFIG', `unknown boot profile "${name}" (configured: default, ${Object.keys(config.profiles).join(', ')})`, { value: name });
  return p;
}

/** Refuses values that would break out of an iPXE script line. */
export function safeScriptValue(name: string, v: string, allowSpaces = false): string {
  if (/[\r\n]/.test(v) || (!allowSpaces && /\s/.test(v))) {
    throw new PbxbootError('E_VALIDATION', `${name} contains whitespace or a newline: ${JSON.stringify(v)}`, { value: v });
  }
  return v;
}

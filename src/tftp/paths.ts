// Root confinement of requested TFTP file names (pure): a name is either a clean relative path or refused with a reason.
// Symlinks are the adapter's half: it compares the realpath against the root (see file-source.ts).

export type PathDenial = 'empty' | 'nul' | 'control' | 'too-long' | 'absolute' | 'backslash' | 'dotdot';

export type ConfinedPath = { ok: true; path: string } | { ok: false; reason: PathDenial; path: string };

export interface PathLimits {
  /** Longest accepted name in bytes; firmware names are short, long ones are probes. */
  maxLength: number;
}

export const defaultPathLimits: PathLimits = { maxLength: 255 };

/**
 * RFC 1350 leaves names to the server. We accept only relative, slash-separated names without
 * `..` and drop empty and `.` segments, so the result joined to the root can never climb out of it.
 */
export function confinePath(requested: string, limits: PathLimits = defaultPathLimits): ConfinedPath {
  const deny = (reason: PathDenial): ConfinedPath => ({ ok: false, reason, path: requested });
  if (requested.length === 0) return deny('empty');
  if (Buffer.byteLength(requested, 'latin1') > limits.maxLength) return deny('too-long');
  for (let i = 0; i < requested.length; i++) {
    const c = requested.charCodeAt(i);
    if (c === 0) return deny('nul');
    if (c < 0x20 || c === 0x7f) return deny('control');
  }
  if (requested.includes('\\')) return deny('backslash'); // Windows separators: "..\\x" would climb on some stacks
  if (requested.startsWith('/') || /^[A-Za-z]:/.test(requested)) return deny('absolute');
  const segs: string[] = [];
  for (const seg of requested.split('/')) {
    if (seg === '..') return deny('dotdot');
    if (seg === '' || seg === '.') continue;
    segs.push(seg);
  }
  if (segs.length === 0) return deny('empty');
  return { ok: true, path: segs.join('/') };
}

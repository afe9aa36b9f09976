// A parser for Asterisk's .conf format (main/config.c semantics): `[section]`,
// `[section](template,...)`, `[name](!)`, `key = value`, `key => value`, `;`
// comments with `\;` escapes, `;-- … --;` block comments, `#include`/`#exec`.
// Pure; validation reads rendered files through it.

export interface ConfEntry {
  key: string;
  value: string;
  line: number;
}

export interface ConfSection {
  name: string;
  /** the parenthesised options after the name: `!` (template) or template names */
  options: string[];
  line: number;
  entries: ConfEntry[];
}

export interface ConfFile {
  sections: ConfSection[];
  directives: { directive: string; arg: string; line: number }[];
  errors: { line: number; message: string }[];
}

/** Removes a `;` comment unless escaped as `\;`, then unescapes `\;`. */
function stripComment(line: string): string {
  // Fast paths (most lines): no comment, or a comment with no escape before it.
  const semi = line.indexOf(';');
  if (semi < 0) return line;
  if (line.indexOf('\\;') < 0) return line.slice(0, semi);
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
    } else if (c === ';') break;
    else out += c;
  }
  return out;
}

export function parseConf(text: string): ConfFile {
  const file: ConfFile = { sections: [], directives: [], errors: [] };
  let current: ConfSection | null = null;
  let inBlock = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    let raw = lines[i]!;
    if (inBlock) {
      const end = raw.indexOf('--;');
      if (end < 0) continue;
      raw = raw.slice(end + 3);
      inBlock = false;
    }
    const start = raw.indexOf(';--');
    if (start >= 0) {
      const end = raw.indexOf('--;', start + 3);
      if (end < 0) {
        raw = raw.slice(0, start);
        inBlock = true;
      } else raw = raw.slice(0, start) + raw.slice(end + 3);
    }
    const line = stripComment(raw).trim();
    if (!line) continue;
    if (line.startsWith('#')) {
      const m = /^#(include|tryinclude|exec)\s+(.+)$/.exec(line);
      if (m) file.directives.push({ directive: m[1]!, arg: m[2]!.trim().replace(/^"(.*)"$/, '$1'), line: n });
      else file.errors.push({ line: n, message: `unknown directive "${line}"` });
      continue;
    }
    if (line.startsWith('[')) {
      const m = /^\[([^\]]+)\](?:\(([^)]*)\))?$/.exec(line);
      if (!m) {
        file.errors.push({ line: n, message: `malformed section header "${line}"` });
        current = null;
        continue;
      }
      current = {
        name: m[1]!.trim(),
        options: m[2] === undefined ? [] : m[2].split(',').map((s) => s.trim()).filter(Boolean),
        line: n,
        entries: [],
      };
      file.sections.push(current);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) {
      file.errors.push({ line: n, message: `expected "key = value", got "${line}"` });
      continue;
    }
    if (!current) {
      file.errors.push({ line: n, message: `"${line}" is outside any [section]` });
      continue;
    }
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).replace(/^>/, '').trim();
    current.entries.push({ key, value, line: n });
  }
  if (inBlock) file.errors.push({ line: lines.length, message: 'unterminated ;-- block comment' });
  return file;
}

/** The last value of `key` in a section (Asterisk's later-wins rule for scalar options). */
export function confGet(s: ConfSection, key: string): string | undefined {
  let v: string | undefined;
  for (const e of s.entries) if (e.key === key) v = e.value;
  return v;
}

export function confAll(s: ConfSection, key: string): ConfEntry[] {
  return s.entries.filter((e) => e.key === key);
}

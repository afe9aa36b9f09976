// Parsing of query-string values shared by the routes and the CLI (`--since 10m`).
import { PbxbootError } from '../errors.js';

const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "10m", "2h", "1d", "30s", an ISO time or epoch ms → epoch ms. */
export function parseSince(text: string, now = Date.now()): number {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (m) return now - Number(m[1]) * units[m[2]!]!;
  if (/^\d{12,}$/.test(text)) return Number(text);
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new PbxbootError('E_USAGE', `invalid time "${text}": use e.g. 30s, 10m, 2h, 1d or an ISO date`, { value: text });
  }
  return t;
}

export function parseIntParam(name: string, text: string | null, dflt: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (text === null || text === '') return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new PbxbootError('E_USAGE', `invalid ${name} "${text}": expected an integer ${min}..${max}`, { value: text });
  }
  return n;
}

// Secret redaction for log lines (pure): the ARI password travels as `api_key=user:pass` in the WebSocket URL (DESIGN §5, §7).

const MASK = '***';

/** Replaces every occurrence of each secret (raw and URL-encoded), api_key values, Basic credentials and URL userinfo. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of new Set([s, encodeURIComponent(s), Buffer.from(s).toString('base64')])) out = out.split(form).join(MASK);
  }
  return out
    .replace(/(api_key=)[^&\s"']+/gi, `$1${MASK}`)
    .replace(/(authorization["']?\s*[:=]\s*["']?Basic\s+)[A-Za-z0-9+/=]+/gi, `$1${MASK}`)
    .replace(/(\w+:\/\/)[^/@\s:]+:[^/@\s]+@/g, `$1${MASK}@`);
}

/** Redacts every string inside a JSON-like value (events, IPC log details). */
export function redactValue<T>(value: T, secrets: readonly string[] = []): T {
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, /password|secret|token/i.test(k) ? MASK : redactValue(v, secrets)])) as T;
  }
  return value;
}

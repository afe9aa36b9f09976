// Loads pbxboot.yaml, then PBXBOOT_* environment, then flags (later wins),
// and validates once into a typed Config. Every error names the key and value.
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { PbxbootError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { envName, settableKeys } from './keys.js';

export interface LoadOptions {
  /** path of pbxboot.yaml; when absent, ./pbxboot.yaml if it exists */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** flag values by key path (e.g. { 'http.port': '9000' }) */
  flags?: Record<string, string | undefined>;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof o[p] !== 'object' || o[p] === null) o[p] = {};
    o = o[p] as Record<string, unknown>;
  }
  o[parts.at(-1)!] = value;
}

function parseText(key: string, text: string, where: string): unknown {
  const kind = settableKeys[key];
  if (kind === 'number') {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n)) {
      throw new PbxbootError('E_CONFIG', `${where}: ${key} must be a number, got "${text}"`, { value: text });
    }
    return n;
  }
  if (kind === 'boolean') {
    const t = text.trim().toLowerCase();
    if (t === 'true' || t === 'yes' || t === 'on' || t === '1') return true;
    if (t === 'false' || t === 'no' || t === 'off' || t === '0') return false;
    throw new PbxbootError('E_CONFIG', `${where}: ${key} must be true or false, got "${text}"`, { value: text });
  }
  if (kind === 'json') {
    // lists may also be given comma-separated (codecs=ulaw,alaw)
    if (!text.trim().startsWith('[') && !text.trim().startsWith('{')) return text.split(',').map((s) => s.trim());
    try {
      return JSON.parse(text);
    } catch {
      throw new PbxbootError('E_CONFIG', `${where}: ${key} must be JSON, got "${text}"`, { value: text });
    }
  }
  return text;
}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PbxbootError('E_CONFIG', `cannot read config file ${path}: ${(e as Error).message}`, { value: path, cause: e });
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = err.linePos?.[0];
    throw new PbxbootError(
      'E_CONFIG',
      `malformed YAML in ${path}${pos ? ` at line ${pos.line}, column ${pos.col}` : ''}: ${err.message.split('\n')[0]}`,
      { value: path },
    );
  }
  const v = doc.toJS() as unknown;
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new PbxbootError('E_CONFIG', `${path}: the top level must be a mapping of keys`, { value: path });
  return v as Record<string, unknown>;
}

export function loadConfig(opts: LoadOptions = {}): Config & { configFile: string | null } {
  const env = opts.env ?? process.env;
  const file = opts.file ?? env.PBXBOOT_CONFIG ?? (existsSync('pbxboot.yaml') ? 'pbxboot.yaml' : undefined);
  const raw: Record<string, unknown> = file ? readConfigFile(file) : {};
  for (const key of Object.keys(settableKeys)) {
    const v = env[envName(key)];
    if (v !== undefined && v !== '') setPath(raw, key, parseText(key, v, `environment ${envName(key)}`));
  }
  for (const [key, v] of Object.entries(opts.flags ?? {})) {
    if (v === undefined) continue;
    if (!(key in settableKeys)) throw new PbxbootError('E_CONFIG', `unknown config key "${key}"`, { value: key });
    setPath(raw, key, parseText(key, v, 'flag'));
  }
  return { ...validateConfig(raw, file ?? 'defaults'), configFile: file ? resolve(file) : null };
}

export function validateConfig(raw: unknown, where: string): Config {
  const r = configSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.join('.');
  const value = issue.path.reduce<unknown>((o, k) => (o as Record<string | number, unknown> | undefined)?.[k as string], raw);
  if (issue.code === 'unrecognized_keys') {
    const key = [path, issue.keys[0]].filter(Boolean).join('.');
    throw new PbxbootError('E_CONFIG', `${where}: unknown config key "${key}"`, { value: key });
  }
  throw new PbxbootError(
    'E_CONFIG',
    `${where}: invalid value for ${path || '(top level)'}: ${JSON.stringify(value)} (${issue.message})`,
    { value },
  );
}

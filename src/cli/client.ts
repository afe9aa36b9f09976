// The CLI's HTTP client for the running server. Finds the URL and token in the
// data dir (written by `serve`) unless --server/--token are given.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PbxbootError, errorFromCode } from '../errors.js';
import { readAdminToken } from '../http/tokens.js';

export interface ClientOptions {
  server?: string;
  token?: string;
  dataDir?: string;
}

export const serverFile = 'server.json';

export class ApiClient {
  readonly base: string;
  private readonly token: string | null;
  constructor(opts: ClientOptions) {
    const dataDir = resolve(opts.dataDir ?? process.env.PBXBOOT_DATA_DIR ?? './data');
    const file = join(dataDir, serverFile);
    const fromFile = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { url?: string }).url : undefined;
    const base = opts.server ?? process.env.PBXBOOT_SERVER ?? fromFile;
    if (!base) {
      throw new PbxbootError(
        'E_UNREACHABLE',
        `no pbxboot server found: none is recorded in ${file} (is "pbxboot serve" running with this data dir?); pass --server URL`,
      );
    }
    this.base = base.replace(/\/$/, '');
    this.token = opts.token ?? process.env.PBXBOOT_TOKEN ?? readAdminToken(dataDir);
  }

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await this.fetch(method, path, body, contentType);
    const text = await res.text();
    const data = text ? (safeParse(text) as Record<string, unknown>) : {};
    if (!res.ok) {
      const err = (data as { error?: { code?: string; message?: string; value?: unknown } }).error;
      if (err?.code) throw errorFromCode(err.code, err.message ?? `HTTP ${res.status}`, err.value);
      throw new PbxbootError('E_INTERNAL', `server answered HTTP ${res.status} for ${method} ${path}`);
    }
    return data as T;
  }

  async fetch(method: string, path: string, body?: unknown, contentType = 'application/json', signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = contentType;
    try {
      return await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        signal,
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new PbxbootError('E_UNREACHABLE', `cannot reach pbxboot server at ${this.base}: ${causeOf(e)}`, { value: this.base, cause: e });
    }
  }
}

function causeOf(e: unknown): string {
  const c = (e as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (e as Error).message;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { error: { code: 'E_INTERNAL', message: text.slice(0, 200) } };
  }
}

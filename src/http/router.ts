// The request→response core (hono's idea): a pure function of a request value,
// tested without opening a port. The node:http adapter (server.ts) is thin.
import { PbxbootError, isPbxbootError } from '../errors.js';

export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body?: unknown; // parsed JSON, or raw text for non-JSON content types
  remoteAddress?: string;
  params: Record<string, string>;
  /** the authenticated token's kind, set by the router */
  auth?: TokenKind;
}

export type TokenKind = 'admin' | 'read';

/** SSE data already serialised once for many clients (the dashboard feed). */
export class PreSerialized {
  constructor(readonly json: string) {}
}

/** Server-Sent Events: `open` starts streaming and returns a cleanup. */
export interface SseStream {
  open(send: (event: string, data: unknown, id?: number) => void, end: () => void): () => void;
}

/** A file to stream (Range/ETag handled by the adapter). */
export interface FileBody {
  path: string;
  contentType: string;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown; // JSON-serialised unless a string or Buffer
  sse?: SseStream;
  file?: FileBody;
}

export type Handler = (req: HttpRequest) => Promise<HttpResponse> | HttpResponse;
/** who may call a route: open to all, boot (node token checked by the handler), or API token kinds */
export type Access = 'open' | 'boot' | 'read' | 'admin';

interface Route {
  method: string;
  parts: string[];
  access: Access;
  handler: Handler;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): HttpResponse => ({
  status,
  body,
  ...(headers ? { headers } : {}),
});

export function errorResponse(e: unknown): HttpResponse {
  if (isPbxbootError(e)) {
    return json(e.httpStatus, { error: { code: e.code, message: e.message, value: e.value ?? null } });
  }
  return json(500, { error: { code: 'E_INTERNAL', message: 'internal error' } });
}

export class Router {
  private readonly routes: Route[] = [];
  constructor(
    private readonly authenticate: (token: string) => TokenKind | null,
    private readonly onError: (e: unknown, req: HttpRequest) => void = () => undefined,
    /** sees every answered request with its route pattern (metrics) */
    private readonly onResponse: (method: string, route: string, status: number) => void = () => undefined,
  ) {}

  on(method: string, pattern: string, access: Access, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), access, handler });
    return this;
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | null {
    const segs = path.split('/').filter(Boolean);
    let methodMismatch = false;
    for (const route of this.routes) {
      const params = matchParts(route.parts, segs);
      if (!params) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        methodMismatch = true;
        continue;
      }
      return { route, params };
    }
    return methodMismatch ? 'method' : null;
  }

  async request(input: Omit<HttpRequest, 'params'> & { params?: Record<string, string> }): Promise<HttpResponse> {
    const m = this.match(input.method, input.path);
    const res = await this.dispatch({ ...input, params: {} }, m);
    this.onResponse(input.method, typeof m === 'object' && m ? '/' + m.route.parts.join('/') : '(unmatched)', res.status);
    return res;
  }

  private async dispatch(req: HttpRequest, m: ReturnType<Router['match']>): Promise<HttpResponse> {
    if (m === null) return json(404, { error: { code: 'E_NOT_FOUND', message: `no route ${req.method} ${req.path}` } });
    if (m === 'method') return json(405, { error: { code: 'E_USAGE', message: `method ${req.method} not allowed on ${req.path}` } });
    req.params = m.params;
    if (m.route.access === 'read' || m.route.access === 'admin') {
      const kind = this.authenticate(bearer(req));
      if (!kind) return json(401, { error: { code: 'E_AUTH', message: 'missing or invalid API token' } }, { 'www-authenticate': 'Bearer' });
      if (m.route.access === 'admin' && kind !== 'admin') {
        return json(403, { error: { code: 'E_AUTH', message: 'this token is read-only' } });
      }
      req.auth = kind;
    }
    try {
      return await m.route.handler(req);
    } catch (e) {
      if (!isPbxbootError(e) || e.httpStatus >= 500) this.onError(e, req);
      return errorResponse(e);
    }
  }
}

function matchParts(pattern: string[], segs: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p === '*') {
      params['*'] = segs.slice(i).map(decodeURIComponent).join('/');
      return params;
    }
    const s = segs[i];
    if (s === undefined) return null;
    if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(s);
    else if (p !== s) return null;
  }
  return segs.length === pattern.length ? params : null;
}

/** Bearer header, or `?token=` (EventSource and wall TVs cannot set headers). */
function bearer(req: Pick<HttpRequest, 'headers' | 'query'>): string {
  const h = req.headers.authorization ?? '';
  if (h.toLowerCase().startsWith('bearer ')) return h.slice(7).trim();
  return req.query.get('token') ?? '';
}

/** Reads a required string field of a JSON body, or throws a usage error naming it. */
export function field(body: unknown, name: string, opts: { optional?: boolean } = {}): string | undefined {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null) {
    if (opts.optional) return undefined;
    throw new PbxbootError('E_USAGE', `missing field "${name}"`, { value: name });
  }
  if (typeof v !== 'string') throw new PbxbootError('E_USAGE', `field "${name}" must be a string`, { value: v });
  return v;
}

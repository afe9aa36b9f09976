// Asterisk's own ARI Swagger 1.1 descriptions (../shared/asterisk/ari-api-docs), loaded once and served with basePath rewritten.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface SwaggerParameter {
  name: string;
  paramType: string;
  required?: boolean;
  dataType?: string;
  allowMultiple?: boolean;
  allowableValues?: { valueType: string; values?: string[] };
}
export interface SwaggerOperation {
  httpMethod: string;
  nickname: string;
  responseClass?: string;
  parameters?: SwaggerParameter[];
}
export interface SwaggerApi {
  path: string;
  operations: SwaggerOperation[];
}
export interface SwaggerProperty {
  type: string;
  required?: boolean;
}
export interface SwaggerModel {
  id: string;
  properties: Record<string, SwaggerProperty>;
  subTypes?: string[];
  extends?: string;
}
export interface SwaggerDoc {
  basePath: string;
  apis: SwaggerApi[];
  models?: Record<string, SwaggerModel>;
}

/** Repo root is two levels above this file; ARI_API_DOCS overrides the location. */
export function apiDocsDir(): string {
  if (process.env.ARI_API_DOCS) return process.env.ARI_API_DOCS;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  return path.resolve(root, '..', 'shared', 'asterisk', 'ari-api-docs');
}

export class ApiDocs {
  readonly docs = new Map<string, SwaggerDoc>();

  constructor(readonly dir: string = apiDocsDir()) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    } catch (err) {
      throw new Error(`ARI api-docs not found at ${dir}: set ARI_API_DOCS to Asterisk's rest-api/api-docs directory`, { cause: err });
    }
    for (const f of files) this.docs.set(f.slice(0, -5), JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as SwaggerDoc);
  }

  /** The file as Asterisk serves it: basePath points at the host the client used. */
  render(name: string, host: string): string | null {
    const doc = this.docs.get(name);
    if (!doc) return null;
    return JSON.stringify({ ...doc, basePath: `http://${host}/ari` });
  }

  /** Every model of every resource file, by id (events.json holds the event models). */
  models(): Map<string, SwaggerModel> {
    const out = new Map<string, SwaggerModel>();
    for (const d of this.docs.values()) for (const [k, m] of Object.entries(d.models ?? {})) out.set(k, m);
    return out;
  }

  hasOperation(method: string, swaggerPath: string): boolean {
    return this.operation(method, swaggerPath) !== undefined;
  }

  /** The operation as Asterisk describes it: its parameters and responseClass (e.g. "List[Channel]"). */
  operation(method: string, swaggerPath: string): SwaggerOperation | undefined {
    for (const [name, d] of this.docs) {
      if (name === 'resources') continue;
      for (const a of d.apis) if (a.path === swaggerPath) for (const o of a.operations) if (o.httpMethod === method) return o;
    }
    return undefined;
  }
}

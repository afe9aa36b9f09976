// Renders a node's Asterisk bundle from a typed RenderInput with Handlebars in
// strict mode (a missing variable is an error, never an empty string), then
// validates it. Pure: template sources come from the caller (templates.ts loads them).
import Handlebars from 'handlebars';
import { createHash } from 'node:crypto';
import { PbxbootError } from '../errors.js';
import { templateData, type NodeIdentity, type RenderInput } from './render-input.js';
import { bundleFiles, validateBundle, type ValidationResult } from './validate.js';
import { agentPjsip, defaultEndpointPolicy, type Columns } from './agent-pjsip.js';

export type BundleFileName = (typeof bundleFiles)[number];

export interface BundleFile {
  name: string;
  content: string;
  sha256: string;
}

export interface CompiledTemplates {
  readonly templates: ReadonlyMap<string, HandlebarsTemplateDelegate>;
  /** where each template came from (built-in path or operator override), for messages */
  readonly origins: ReadonlyMap<string, string>;
}

/** Compiles `{ 'pjsip.conf': source, … }`; every bundle file needs a template. */
export function compileAsteriskTemplates(sources: Readonly<Record<string, string>>, origins: Readonly<Record<string, string>> = {}): CompiledTemplates {
  const templates = new Map<string, HandlebarsTemplateDelegate>();
  for (const name of bundleFiles) {
    const src = sources[name];
    const origin = origins[name] ?? name;
    if (src === undefined) throw new PbxbootError('E_CONFIG', `no template for ${name}`, { value: name });
    try {
      Handlebars.parse(src); // compile() is lazy: a broken template fails here, not at boot
    } catch (e) {
      throw new PbxbootError('E_CONFIG', `template ${origin}: ${(e as Error).message}`, { value: origin, cause: e });
    }
    templates.set(name, Handlebars.compile(src, { strict: true, noEscape: true }));
  }
  return { templates, origins: new Map(Object.entries(origins)) };
}

export interface RenderOptions {
  templates: CompiledTemplates;
  /** other nodes' identities (unique systemname/entityid) */
  peers?: readonly NodeIdentity[];
  /** realtime mode: the ps_endpoints rows of the node's agents, validated with the bundle */
  endpointRows?: readonly Columns[];
}

export interface RenderedBundle {
  files: BundleFile[];
  validation: ValidationResult;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function renderNodeBundle(input: RenderInput, opts: RenderOptions): RenderedBundle {
  const data = templateData(input);
  const files: BundleFile[] = [];
  for (const name of bundleFiles) {
    const tpl = opts.templates.templates.get(name)!;
    let content: string;
    try {
      content = tpl(data);
    } catch (e) {
      const origin = opts.templates.origins.get(name) ?? name;
      throw new PbxbootError('E_VALIDATION', `template ${origin}: ${(e as Error).message}`, { value: origin, cause: e });
    }
    files.push({ name, content, sha256: sha256(content) });
  }
  const staticRows = input.mode === 'static' ? [] : (opts.endpointRows ?? []);
  const validation = validateBundle(files, {
    node: input.node,
    codecs: input.codecs,
    mode: input.mode,
    peers: opts.peers ?? [],
    endpointRows: staticRows,
  });
  return { files, validation };
}

/** The ps_endpoints row pbxboot writes for an agent (for `endpointRows`). */
export const agentEndpointRow = (a: Parameters<typeof agentPjsip>[0], codecs: readonly string[]): Columns =>
  agentPjsip(a, { codecs, ...defaultEndpointPolicy }).endpoint;

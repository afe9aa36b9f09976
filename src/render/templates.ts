// Loads the Asterisk templates: the built-in templates/asterisk/*.hbs, each
// replaced by an operator's file of the same name in the override dir (config).
// Adapter (reads files); compileAsteriskTemplates does the rest.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PbxbootError } from '../errors.js';
import { compileAsteriskTemplates, type CompiledTemplates } from './bundle.js';
import { bundleFiles } from './validate.js';

export const builtinTemplateDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../templates/asterisk');

export interface TemplateSources {
  sources: Record<string, string>;
  origins: Record<string, string>;
}

export function loadAsteriskTemplateSources(opts: { dir?: string; overrideDir?: string } = {}): TemplateSources {
  const dir = opts.dir ?? builtinTemplateDir;
  const sources: Record<string, string> = {};
  const origins: Record<string, string> = {};
  for (const name of bundleFiles) {
    const path = join(dir, `${name}.hbs`);
    sources[name] = readFileSync(path, 'utf8');
    origins[name] = path;
  }
  if (opts.overrideDir) {
    if (!existsSync(opts.overrideDir)) throw new PbxbootError('E_CONFIG', `template override dir ${opts.overrideDir} does not exist`, { value: opts.overrideDir });
    const known = new Set<string>(bundleFiles.map((n) => `${n}.hbs`));
    for (const f of readdirSync(opts.overrideDir)) {
      if (!f.endsWith('.hbs')) continue;
      // A misspelt override would silently not apply: refuse it instead.
      if (!known.has(f)) throw new PbxbootError('E_CONFIG', `unknown template override ${f} (expected one of ${[...known].join(', ')})`, { value: f });
      const path = join(opts.overrideDir, f);
      sources[f.slice(0, -4)] = readFileSync(path, 'utf8');
      origins[f.slice(0, -4)] = path;
    }
  }
  return { sources, origins };
}

export function loadAsteriskTemplates(opts: { dir?: string; overrideDir?: string } = {}): CompiledTemplates {
  const { sources, origins } = loadAsteriskTemplateSources(opts);
  return compileAsteriskTemplates(sources, origins);
}

// pbxboot render NODE [--out DIR]: shows or writes a node's Asterisk files and
// whether they pass validation, without booting anything.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PbxbootError } from '../../errors.js';
import type { Cli } from '../context.js';
import { paint } from '../output.js';

interface RenderReply {
  node: string;
  files: { name: string; content: string; sha256: string }[];
  validation: { ok: boolean; failures: { file: string; section: string; key: string; line?: number; message: string }[] };
}

export function registerRender(program: Command, cli: Cli): void {
  program
    .command('render')
    .description("render a node's Asterisk configuration and validate it (no boot); exit 1 when validation fails")
    .argument('<node>', 'name, MAC or id')
    .option('--out <dir>', 'write the files into this directory instead of printing them')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nExamples:\n  pbxboot render pbx01\n  pbxboot render pbx01 --out /tmp/pbx01 && ls /tmp/pbx01')
    .action(async (ref: string, opts: { out?: string; json?: boolean }, c: Command) => {
      const r = await cli.client(c).request<RenderReply>('GET', `/v1/nodes/${encodeURIComponent(ref)}/render`);
      const out = cli.out(opts.json);
      if (opts.out) {
        mkdirSync(opts.out, { recursive: true });
        for (const f of r.files) writeFileSync(join(opts.out, f.name), f.content);
      }
      if (out.json) out.printJson(opts.out ? { ...r, files: r.files.map(({ content: _c, ...f }) => f) } : r);
      else {
        if (!opts.out) for (const f of r.files) out.print(`${paint(out, 'bold', `;; ${f.name}`)}  (sha256 ${f.sha256.slice(0, 12)})\n${f.content}`);
        else out.print(`wrote ${r.files.length} files to ${opts.out}`);
        if (r.validation.ok) out.print(paint(out, 'green', `validation: ok (${r.files.length} files)`));
        else for (const f of r.validation.failures) out.print(paint(out, 'red', `invalid: ${f.file} [${f.section}] ${f.key}${f.line ? ` (line ${f.line})` : ''}: ${f.message}`));
      }
      if (!r.validation.ok) throw new PbxbootError('E_VALIDATION', `${r.node}: ${r.validation.failures.length} validation failure(s)`);
    });
}

// pbxboot logs: the netboot log; -f follows it live (Server-Sent Events).
import type { Command } from 'commander';
import type { BootEvent } from '../../events/event.js';
import type { Cli } from '../context.js';
import { paint, type Out } from '../output.js';

const levelColor: Record<string, string> = { debug: 'gray', info: '', warn: 'yellow', error: 'red' };
const stageColor = (stage: string): string =>
  stage.startsWith('dhcp') ? 'cyan' : stage.startsWith('tftp') ? 'blue' : stage.startsWith('http') || stage.startsWith('boot') ? 'magenta' : stage.startsWith('node') ? 'green' : '';

export function formatEvent(out: Pick<Out, 'color'>, e: BootEvent): string {
  const detail = Object.entries(e.detail).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
  const who = e.mac ?? e.node ?? '-';
  const line = `${new Date(e.time).toISOString()} ${who.padEnd(17)} ${paint(out, stageColor(e.stage), e.stage.padEnd(16))} ${detail}`;
  return levelColor[e.level] ? paint(out, levelColor[e.level]!, line) : line;
}

export function registerLogs(program: Command, cli: Cli): void {
  program
    .command('logs')
    .description('the netboot log: every DHCP, TFTP, HTTP and phone-home step')
    .option('-f, --follow', 'keep printing new events')
    .option('--node <node>', 'only this node (name, MAC or id)')
    .option('--mac <mac>', 'only this MAC')
    .option('--since <time>', 'only events since (30s, 10m, 2h, 1d or ISO time)')
    .option('--stage <stage>', 'only this stage, or a prefix ending in "." (dhcp.)')
    .option('-n, --limit <n>', 'at most this many past events', '1000')
    .option('--json', 'one JSON event per line')
    .addHelpText('after', '\nExamples:\n  pbxboot logs --node pbx01\n  pbxboot logs -f --stage dhcp.\n  pbxboot logs --since 10m --json')
    .action(async (opts: { follow?: boolean; node?: string; mac?: string; since?: string; stage?: string; limit: string; json?: boolean }, c: Command) => {
      const out = cli.out(opts.json);
      const q = new URLSearchParams();
      for (const k of ['node', 'mac', 'since', 'stage', 'limit'] as const) if (opts[k]) q.set(k, opts[k]!);
      const show = (e: BootEvent) => out.print(out.json ? JSON.stringify(e) : formatEvent(out, e));
      const client = cli.client(c);
      if (!opts.follow) {
        const r = await client.request<{ events: BootEvent[] }>('GET', `/v1/events?${q}`);
        return r.events.forEach(show);
      }
      q.set('follow', '1');
      const ac = new AbortController();
      process.once('SIGINT', () => ac.abort());
      const res = await client.fetch('GET', `/v1/events?${q}`, undefined, undefined, ac.signal);
      if (!res.ok || !res.body) await client.request('GET', `/v1/events?${q.toString().replace('follow=1', 'follow=0')}`);
      let buf = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += Buffer.from(chunk).toString('utf8');
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (data) show(JSON.parse(data.slice(6)) as BootEvent);
          }
        }
      } catch (e) {
        if ((e as Error).name !== 'AbortError') throw e;
      }
    });
}

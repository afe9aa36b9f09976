// Terminal output: tables on a TTY, colours only on a TTY and never with NO_COLOR.
export interface Out {
  json: boolean;
  tty: boolean;
  color: boolean;
  print(text: string): void;
  printJson(v: unknown): void;
}

export function makeOut(json: boolean, stream: NodeJS.WriteStream = process.stdout, env = process.env): Out {
  const tty = Boolean(stream.isTTY);
  return {
    json,
    tty,
    color: tty && env.NO_COLOR === undefined && env.TERM !== 'dumb',
    print: (text) => void stream.write(text.endsWith('\n') ? text : text + '\n'),
    printJson: (v) => void stream.write(JSON.stringify(v, null, 2) + '\n'),
  };
}

const codes: Record<string, number> = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90, bold: 1 };
export const paint = (out: Pick<Out, 'color'>, color: keyof typeof codes | string, s: string): string =>
  out.color && codes[color] ? `\x1b[${codes[color]}m${s}\x1b[0m` : s;

/** A plain aligned table; tab-separated when not on a TTY (easy to cut/awk). */
export function table(out: Pick<Out, 'tty'>, head: string[], rows: string[][]): string {
  if (!out.tty) return [head, ...rows].map((r) => r.join('\t')).join('\n');
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export function ago(ms: number | null, now = Date.now()): string {
  if (ms === null) return '-';
  const s = Math.round((now - ms) / 1000);
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

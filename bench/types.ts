// The contract between `npm run bench` (bench/run.ts) and each benchmark file
// `bench/*.bench.ts`: a default-exported async function returning rows that the
// runner prints in one table, pbxboot side by side with its peers.

export interface BenchContext {
  /** --quick: fewer iterations, for a smoke run */
  quick: boolean;
  log(line: string): void;
}

export interface BenchRow {
  group: string; // e.g. "store", "dhcp", "tftp"
  metric: string; // e.g. "append 100,000 events"
  unit: string; // e.g. "ms", "MB/s", "DORA/s"
  /** pbxboot's figure (null = not measured) */
  pbxboot: number | null;
  /** peers' figures in the same run, e.g. { dnsmasq: 230, "tftpd-hpa": 31.5 } */
  peers?: Record<string, number | null>;
  /** true when a larger number is better (throughput); ratios are printed pbxboot/peer or peer/pbxboot accordingly */
  higherIsBetter?: boolean;
  note?: string;
}

export type Bench = (ctx: BenchContext) => Promise<BenchRow[]>;

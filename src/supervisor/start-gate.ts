// A counting gate for daemon start-ups: each ARI daemon is a Node process whose boot costs ≈ 0.5–0.9 s of CPU
// and whose fork blocks pbxboot's event loop for tens of ms; when a boot storm makes 200 nodes ready at once,
// starting them all together starves DHCP/TFTP/HTTP. Starts queue FIFO beyond `limit`. Pure: no timers, no I/O.
export class StartGate {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new RangeError(`start gate limit must be ≥ 1, got ${limit}`);
  }

  /** Resolves when a start may begin; call the returned release exactly once (extra calls are ignored). */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      const grant = () => {
        this.running++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.running--;
          this.queue.shift()?.();
        });
      };
      if (this.running < this.limit) grant();
      else this.queue.push(grant);
    });
  }

  get starting(): number {
    return this.running;
  }

  get waiting(): number {
    return this.queue.length;
  }
}

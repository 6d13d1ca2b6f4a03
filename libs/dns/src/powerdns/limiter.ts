/** At most `max` tasks at a time, first come first served (the plugin bounds its reads with one). */
export class Limiter {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new Error(`limiter needs max >= 1, got ${max}`);
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    else this.active++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (active stays the same), else free it.
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}

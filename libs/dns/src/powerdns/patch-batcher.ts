import type { RrsetChange } from './rrset';

interface Pending {
  zone: string;
  change: RrsetChange;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Serialises the rrset PATCHes to one DNS server and merges the ones waiting
 * for the same zone into a single PATCH (PowerDNS applies a PATCH's rrsets
 * atomically, and one PATCH of 100 rrsets costs about what one of 1 does).
 * Serial because PowerDNS on sqlite answers concurrent writes with
 * "database is locked"; merged so that serial still keeps up with bursts.
 * A change submitted alone is sent alone, byte for byte as the reference's.
 * When a merged PATCH fails, each change is retried on its own, so one bad
 * change cannot fail the others.
 */
export class PatchBatcher {
  private readonly queue: Pending[] = [];
  private pumping = false;

  constructor(
    private readonly send: (zone: string, changes: RrsetChange[]) => Promise<void>,
    private readonly maxBatch = 200,
  ) {}

  submit(zone: string, change: RrsetChange): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ zone, change, resolve, reject });
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length) {
        const zone = this.queue[0].zone;
        const batch: Pending[] = [];
        for (let i = 0; i < this.queue.length && batch.length < this.maxBatch; ) {
          if (this.queue[i].zone === zone) batch.push(...this.queue.splice(i, 1));
          else i++;
        }
        try {
          await this.send(zone, batch.map((p) => p.change));
          for (const p of batch) p.resolve();
        } catch (e) {
          if (batch.length === 1) {
            batch[0].reject(e);
            continue;
          }
          for (const p of batch) await this.send(zone, [p.change]).then(p.resolve, p.reject);
        }
      }
    } finally {
      this.pumping = false;
    }
  }
}

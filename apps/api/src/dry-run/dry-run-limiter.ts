import { Inject, Injectable } from '@nestjs/common';
import { Limiter } from '@sdn/dns';
import { ApiError } from '../core/api-error';
import { API_CONFIG, type ApiConfig, type DryRunLimits } from '../core/config';

/**
 * What bounds a replica's dry-run memory: at most `concurrency` computations
 * hold a node's files at once (rendering, the running bundle, the diff), each
 * on files of at most `maxFileBytes`; everything else waits holding nothing,
 * and at most `queue` requests wait. Past that a request is refused (503,
 * retry) instead of piling up work the process cannot hold.
 */
@Injectable()
export class DryRunLimiter {
  private readonly slots: Limiter;
  readonly limits: DryRunLimits;

  constructor(@Inject(API_CONFIG) config: ApiConfig) {
    this.limits = config.dryRun;
    this.slots = new Limiter(this.limits.concurrency);
  }

  /** Computations running and requests waiting for a slot. */
  get load(): { running: number; waiting: number } {
    return { running: this.slots.running, waiting: this.slots.waiting };
  }

  /** Runs `work` in a computation slot, or refuses (503) when `queue` requests already wait for one. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.slots.running >= this.limits.concurrency && this.slots.waiting >= this.limits.queue) {
      throw new ApiError(503, `too many dry runs in progress (${this.slots.running} running, ${this.slots.waiting} waiting; SDN_DRY_RUN_CONCURRENCY, SDN_DRY_RUN_QUEUE); retry later`);
    }
    return this.slots.run(work);
  }

  /** Refuses (422) a file larger than a dry run may hold; `what` names it for the operator. */
  checkSize(node: string, what: string, text: string | undefined): void {
    // UTF-16 length: what the string costs (and the UTF-8 size for the ASCII these files are).
    const size = text?.length ?? 0;
    if (size > this.limits.maxFileBytes) {
      throw new ApiError(422, `dry run of node '${node}' refused: ${what} is ${size} bytes, more than SDN_DRY_RUN_MAX_BYTES (${this.limits.maxFileBytes})`);
    }
  }
}

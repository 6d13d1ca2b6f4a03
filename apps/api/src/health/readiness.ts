import { Injectable } from '@nestjs/common';
import type { ReadinessCheck } from '@sdn/service-kit';

/**
 * This replica's readiness, in one place: the checks the API's parts register
 * (PostgreSQL and NATS answer, the relay and the status consumer are bound;
 * health.controller.ts, relay, nodes) and whether it drains before stopping
 * (drain.ts). `/health/ready` (terminus) runs them all.
 */
@Injectable()
export class Readiness {
  private drainingSince: number | undefined;
  private readonly checks = new Map<string, ReadinessCheck>([['draining', () => !this.draining]]);

  /** Once asked to stop, not ready (the proxy stops choosing this replica) while it still serves. */
  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  drain(): void {
    this.drainingSince ??= Date.now();
  }

  /** Adds or replaces a check (true or resolving true when that part is ready). */
  setCheck(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  all(): [string, ReadinessCheck][] {
    return [...this.checks];
  }
}

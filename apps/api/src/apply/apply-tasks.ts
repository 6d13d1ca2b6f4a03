import { Injectable } from '@nestjs/common';
import { EventStoreService } from '../core/database';

export interface ApplyTask {
  version: number;
  started: Date;
  /** Of the `PUT /cluster/sdn` request (its events, the bundles and the nodes' status carry it). */
  correlationId: string;
}

/**
 * Task id → the config version its `PUT /cluster/sdn` committed, from the
 * `ConfigApplied` events. A found task never changes, so it is cached; an
 * unknown one is looked up again (another replica may just have written it).
 */
@Injectable()
export class ApplyTasks {
  private readonly known = new Map<string, ApplyTask>();

  constructor(private readonly store: EventStoreService) {}

  async find(task: string): Promise<ApplyTask | undefined> {
    const hit = this.known.get(task);
    if (hit) return hit;
    const rows: { version: string; time: Date; correlation_id: string }[] = await this.store.ds.query(
      `SELECT payload->>'version' AS version, time, correlation_id FROM events WHERE type = 'ConfigApplied' AND payload->>'task' = $1 ORDER BY seq LIMIT 1`,
      [task],
    );
    if (!rows.length) return undefined;
    const found = { version: Number(rows[0].version), started: new Date(rows[0].time), correlationId: rows[0].correlation_id };
    this.known.set(task, found);
    return found;
  }
}

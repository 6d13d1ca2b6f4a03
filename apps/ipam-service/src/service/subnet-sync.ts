import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { dhcpRanges, registerSubnet, unregisterSubnet, updateSubnet, type IpamSubnet, type RpcResult, type SubnetRegistrationRequest } from '@sdn/ipam';
import { type ConfigHistory, parseSubnetId, type PluginFactory } from './subnet-events';

type Q = Pick<EntityManager, 'query'>;
type Obj = Record<string, unknown> | undefined;
export type SubnetOp = SubnetRegistrationRequest['op'];

/** What of a subnet its IPAM registration depends on. */
function ipamSubnet(id: string, o: Obj): IpamSubnet {
  const { zone, cidr } = parseSubnetId(id);
  return { id, zone, cidr, gateway: o?.gateway as string | undefined, dhcpRanges: dhcpRanges(o) };
}

/** The same change seen from the API's request and from its event. */
export function changeFingerprint(op: SubnetOp, id: string, object: Obj): string {
  const s = ipamSubnet(id, object);
  return createHash('sha256')
    .update(JSON.stringify([op, s.cidr, s.gateway ?? null, s.dhcpRanges ?? null]))
    .digest('hex');
}

/** The object the change leaves behind (create/update) or removes (delete). */
const subject = (r: Pick<SubnetRegistrationRequest, 'op' | 'object' | 'old'>): Obj => (r.op === 'delete' ? r.old : r.object);

/**
 * Subnet changes in an external IPAM done at the API's request, before it
 * writes the subnet event (spec §6.1 has them inside the API call, so the
 * IPAM's refusal reaches the caller and nothing is written). Each is
 * recorded; the event's consumer claims the record instead of registering
 * again, and `sweep` undoes a record whose event never came.
 */
export class SubnetSync {
  constructor(
    private readonly db: Q,
    private readonly pluginFor: PluginFactory,
    private readonly log: (m: string, meta?: Record<string, unknown>) => void,
  ) {}

  /** Removes a record; true for the one caller that removed it (replicas, sweeper, consumer race). */
  private async take(subnetId: string, fp: string, q: Q = this.db): Promise<boolean> {
    // TypeORM answers a DELETE … RETURNING with [rows, count].
    const [rows] = (await q.query(`DELETE FROM ipam_subnet_sync WHERE subnet_id = $1 AND fingerprint = $2 RETURNING 1`, [subnetId, fp])) as [unknown[], number];
    return rows.length > 0;
  }

  private async apply(r: SubnetRegistrationRequest, undo: boolean): Promise<void> {
    const plugin = this.pluginFor(r.ipamId, r.ipam);
    const now = ipamSubnet(r.subnetId, r.object);
    const before = ipamSubnet(r.subnetId, r.old);
    const warn = (m: string) => this.log(m, { subnet: r.subnetId });
    if (r.op === 'create') await (undo ? unregisterSubnet(plugin, now) : registerSubnet(plugin, now, r.vnet));
    else if (r.op === 'update') await (undo ? updateSubnet(plugin, before, now, r.vnet, warn) : updateSubnet(plugin, now, before, r.vnet, warn));
    else await (undo ? registerSubnet(plugin, before, r.vnet) : unregisterSubnet(plugin, before));
  }

  /** IPAM_PATTERNS.subnet. Errors come back in the IPAM's words, for the API's 400. */
  async handle(r: SubnetRegistrationRequest): Promise<RpcResult<null>> {
    const fp = changeFingerprint(r.op, r.subnetId, subject(r));
    try {
      if (r.undo) {
        // Only the holder of the record undoes it (replicas, sweeper).
        if (await this.take(r.subnetId, fp)) await this.apply(r, true);
        return { ok: true, data: null };
      }
      // Recorded first: should this replica die during the calls, the sweeper still finds it.
      await this.db.query(
        `INSERT INTO ipam_subnet_sync (subnet_id, fingerprint, request) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (subnet_id, fingerprint) DO UPDATE SET request = EXCLUDED.request, registered_at = now()`,
        [r.subnetId, fp, JSON.stringify({ ...r, undo: false })],
      );
      try {
        await this.apply(r, false);
      } catch (e) {
        await this.take(r.subnetId, fp);
        throw e;
      }
      return { ok: true, data: null };
    } catch (e) {
      return { ok: false, error: (e as Error).message, field: 'subnet' };
    }
  }

  /** The consumer of the subnet events: whether this change was registered ahead (then it `claim`s it). */
  async registered(subnetId: string, op: SubnetOp, object: Obj): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM ipam_subnet_sync WHERE subnet_id = $1 AND fingerprint = $2`, [subnetId, changeFingerprint(op, subnetId, object)])).length > 0;
  }

  /**
   * Removes the record of a change registered ahead; `q`: the consumer's transaction that writes
   * the change's gateway events. True unless another caller removed it first (the sweeper only
   * runs while the consumer is idle, so not while that event is in hand).
   */
  async claim(subnetId: string, op: SubnetOp, object: Obj, q: Q = this.db): Promise<boolean> {
    return this.take(subnetId, changeFingerprint(op, subnetId, object), q);
  }

  /**
   * Records older than `maxAgeMs` that no event claimed: the API failed or
   * died between the registration and its event, or the event carried
   * another version. Once the consumer has handled everything there is
   * (`consumerIdle`), the IPAM is brought to the config it has seen: a
   * subnet that is not there is unregistered, one that is there is
   * registered as it is there.
   */
  async sweep(maxAgeMs: number, consumerIdle: () => Promise<boolean>, history: ConfigHistory): Promise<number> {
    const stale: { request: SubnetRegistrationRequest }[] = await this.db.query(
      `SELECT request FROM ipam_subnet_sync WHERE registered_at < now() - make_interval(secs => $1) ORDER BY registered_at`,
      [maxAgeMs / 1000],
    );
    if (!stale.length || !(await consumerIdle())) return 0;
    let repaired = 0;
    for (const { request: r } of stale) {
      if (!(await this.take(r.subnetId, changeFingerprint(r.op, r.subnetId, subject(r))))) continue;
      const seen = await history.asOf('subnets', r.subnetId, Number.MAX_SAFE_INTEGER);
      const registered = r.op === 'delete' ? undefined : r.object;
      if ((seen === undefined && registered === undefined) || (seen && registered && changeFingerprint('update', r.subnetId, seen) === changeFingerprint('update', r.subnetId, registered))) continue;
      const vnet = String(seen?.vnet ?? r.vnet);
      const plugin = this.pluginFor(r.ipamId, r.ipam);
      try {
        if (seen === undefined) await unregisterSubnet(plugin, ipamSubnet(r.subnetId, registered));
        else if (registered === undefined) await registerSubnet(plugin, ipamSubnet(r.subnetId, seen), vnet);
        else await updateSubnet(plugin, ipamSubnet(r.subnetId, seen), ipamSubnet(r.subnetId, registered), vnet, (m) => this.log(m, { subnet: r.subnetId }));
        repaired++;
        this.log('IPAM brought back to the config: a registration made for the API had no event', { subnet: r.subnetId, op: r.op });
      } catch (e) {
        // Put back: the next sweep retries.
        await this.db.query(`INSERT INTO ipam_subnet_sync (subnet_id, fingerprint, request, registered_at) VALUES ($1, $2, $3::jsonb, to_timestamp(0)) ON CONFLICT DO NOTHING`, [
          r.subnetId,
          changeFingerprint(r.op, r.subnetId, subject(r)),
          JSON.stringify(r),
        ]);
        this.log('could not bring the IPAM back to the config; will retry', { subnet: r.subnetId, error: (e as Error).message });
      }
    }
    return repaired;
  }
}

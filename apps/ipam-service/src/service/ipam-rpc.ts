import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { EventEnvelope, IpEventV1 } from '@sdn/contracts';
import { EXTERNAL_IPAM_TYPES, IpamError, canonicalIp, familyOf, inSubnet, pointToPoint, reservedGateway, type AllocateRequest, type DhcpLeaseRequest, type DhcpLeaseResult, type IpRecord, type RpcResult } from '@sdn/ipam';
import { ipamAllocations, ipamConflicts, ipamFailures } from '@sdn/metrics';
import { PveIpamStore, type PveIpAttrs } from '../pve/pve-ipam.store';
import { ipEnvelope, ipEvent, writeIpEvent } from '../outbox/ip-outbox';
import { NextFreeBatcher } from './next-free-batcher';
import { DhcpLeases } from './dhcp-leases';
import { externalZoneAddresses } from './external-zone-addresses';
import { ExternalIps, type SubnetEntry } from './external-ips';
import type { PluginFactory } from './subnet-events';

export type { AllocateRequest, IpRecord, RpcResult } from '@sdn/ipam';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ok = <T>(data: T): RpcResult<T> => ({ ok: true, data });
const fail = (e: unknown): RpcResult<never> =>
  e instanceof IpamError && e.field ? { ok: false, error: e.message, field: e.field } : { ok: false, error: e instanceof Error ? e.message : String(e) };

/** Metrics of one request: the IPAM type is a label, so only the known ones are used as values. */
function counted<T>(operation: 'allocate' | 'update' | 'release', r: AllocateRequest, res: RpcResult<T>): RpcResult<T> {
  const t = r.ipam ? String(r.ipam.type) : 'pve';
  const ipam_type = t === 'pve' || EXTERNAL_IPAM_TYPES.has(t) ? t : 'other';
  if (res.ok) {
    if (operation === 'allocate') ipamAllocations().inc({ ipam_type }, Array.isArray(res.data) ? res.data.length : 1);
  } else if (operation === 'allocate' && /already exist/i.test(res.error)) ipamConflicts().inc({ ipam_type });
  else ipamFailures().inc({ ipam_type, operation });
  return res;
}

/**
 * Framework-free request handling, so the Nest controller stays a thin pattern map and these
 * rules are testable without a broker. Errors come back as words in `{ok:false,error}`:
 * Nest's RPC exceptions would lose the message across NATS.
 */
export class IpamRpc {
  /** `committed`: called after a transaction wrote IP events to the outbox (kicks the relay). */
  private readonly batcher: NextFreeBatcher;
  private readonly external?: ExternalIps;
  private readonly leases: DhcpLeases;

  /** `pluginFor`: the phpIPAM/NetBox plugin of a request's `ipam`; without it only the built-in IPAM is served. */
  constructor(private readonly store: PveIpamStore, private readonly committed: () => void = () => undefined, private readonly pluginFor?: PluginFactory) {
    this.batcher = new NextFreeBatcher(store);
    this.leases = new DhcpLeases(store, store.queryable);
    if (pluginFor) this.external = new ExternalIps(store, pluginFor);
  }

  /** A pve zone's subnets are the store's; an external IPAM's come with the request (`subnets`). */
  private async pickSubnet(r: AllocateRequest): Promise<SubnetEntry> {
    const list = r.subnets ?? (r.subnet ? [] : (await this.store.subnetsOf(r.zone)).map((cidr) => ({ cidr })));
    if (r.subnet) return list.find((x) => x.cidr === r.subnet) ?? { cidr: r.subnet };
    const s = r.ip ? list.find((x) => inSubnet(r.ip!, x.cidr)) : list.find((x) => familyOf(x.cidr.split('/')[0]) === 4) ?? list[0];
    if (!s) throw new IpamError(r.ip ? `no subnet of vnet '${r.vnet}' contains ${r.ip}` : `vnet '${r.vnet}' has no subnet`, r.ip ? 'ip' : 'vnet');
    return s;
  }

  /**
   * The request's zone uses phpIPAM or NetBox (the API says so with `ipam`): the address goes
   * there, not to the built-in store. A pve request carries no `ipam`: one property test.
   */
  private async viaExternal<T>(r: AllocateRequest, op: (x: ExternalIps, s: SubnetEntry) => Promise<T>): Promise<RpcResult<T> | undefined> {
    if (!r.ipam) return undefined;
    if (!EXTERNAL_IPAM_TYPES.has(String(r.ipam.type))) throw new IpamError(`ipam '${r.ipamId}' has unsupported type '${String(r.ipam.type)}'`);
    if (!this.external) throw new IpamError(`ipam '${r.ipamId}' is external and this service has no plugins for it`);
    const data = await op(this.external, await this.pickSubnet(r));
    this.committed();
    return ok(data);
  }

  async allocate(r: AllocateRequest): Promise<RpcResult<IpRecord[]>> {
    return counted('allocate', r, await this.allocateOnce(r));
  }

  private async allocateOnce(r: AllocateRequest): Promise<RpcResult<IpRecord[]>> {
    try {
      const ext = await this.viaExternal(r, (x, s) => x.allocate(r, s));
      if (ext) return ext;
      if (r.requestId !== undefined && !UUID.test(r.requestId)) throw new IpamError(`requestId '${r.requestId}' is not a UUID`, 'requestId');
      const vmid = r.vmid === undefined ? undefined : String(r.vmid);
      const record = (subnet: string, ip: string): IpRecord => ({ zone: r.zone, vnet: r.vnet, subnet, ip, mac: r.mac, hostname: r.hostname, vmid });
      // A request sent again: its first attempt may have committed before its reply was lost.
      if (r.retry && r.requestId) {
        const before = await this.store.byRequest(r.requestId);
        if (before.length) return ok(before.map((x) => record(x.subnet, x.ip)));
      }
      const entry = await this.pickSubnet(r);
      const subnet = entry.cidr;
      const attrs = { mac: r.mac, hostname: r.hostname, vmid, vnet: r.vnet, requestId: r.requestId };
      const cid = r.correlationId ?? randomUUID();
      const rec = (ip: string): IpRecord => record(subnet, ip);
      // The address and its IpAllocated event commit together (outbox); the relay publishes it.
      const template = () => ipEnvelope('IpAllocated', ipEvent(rec('')), cid);
      let ips: string[];
      if (r.ip) {
        const ip = r.ip;
        ips = [await this.store.transaction(async (m) => {
          const got = await this.store.addIp(r.zone, subnet, ip, attrs, undefined, m);
          await writeIpEvent(m, ipEnvelope('IpAllocated', ipEvent(rec(got)), cid));
          return got;
        })];
      } else if (entry.dhcpRanges?.length) {
        ips = await this.inRanges(r.zone, subnet, entry.dhcpRanges, Math.max(1, Math.min(r.count ?? 1, 4096)), attrs, (ip) => ipEnvelope('IpAllocated', ipEvent(rec(ip)), cid));
      } else {
        const n = Math.max(1, Math.min(r.count ?? 1, 4096));
        // A batch is one transaction: all N addresses (and events) or none.
        ips = n === 1
          ? [await this.batcher.allocate(r.zone, subnet, attrs, template())]
          : await this.store.transaction(async (m) => {
              const got: string[] = [];
              // A short statement means the intervals left were busy or gone; one that gets nothing means full.
              while (got.length < n) {
                const more = (await this.store.nextFreeIps(r.zone, subnet, Array.from({ length: n - got.length }, () => ({ attrs, event: template() })), m)).filter((ip): ip is string => ip !== null);
                if (more.length === 0) throw await this.store.noFreeIp(m, r.zone, subnet);
                got.push(...more);
              }
              return got;
            });
      }
      this.committed();
      return ok(ips.map(rec));
    } catch (e) {
      return fail(e);
    }
  }

  /**
   * §6.7 next free with `dhcp-range`s: each range in order until one yields an address (a full
   * range is passed over, §6.3), never the rest of the subnet; N addresses (a batch) and their
   * events in one transaction, all or none, as the whole-subnet path.
   */
  private inRanges(zone: string, subnet: string, ranges: { start: string; end: string }[], n: number, attrs: PveIpAttrs, event: (ip: string) => EventEnvelope<IpEventV1>): Promise<string[]> {
    return this.store.transaction(async (m) => {
      const got: string[] = [];
      for (const range of ranges) {
        let ip: string | null;
        while (got.length < n && (ip = await this.store.rangeNextFreeIp(zone, subnet, range, attrs, m))) {
          await writeIpEvent(m, event(ip));
          got.push(ip);
        }
      }
      if (got.length < n) {
        await this.store.requireSubnet(m, zone, subnet);
        throw new IpamError(`can't find free ip in the dhcp ranges of subnet '${subnet}'`);
      }
      return got;
    });
  }

  async update(r: AllocateRequest & { ip: string }): Promise<RpcResult<IpRecord>> {
    return counted('update', r, await this.updateOnce(r));
  }

  private async updateOnce(r: AllocateRequest & { ip: string }): Promise<RpcResult<IpRecord>> {
    try {
      const ext = await this.viaExternal(r, (x, s) => x.update(r, s));
      if (ext) return ext;
      const subnet = (await this.pickSubnet(r)).cidr;
      const vmid = r.vmid === undefined ? undefined : String(r.vmid);
      const rec = { zone: r.zone, vnet: r.vnet, subnet, ip: r.ip, mac: r.mac, hostname: r.hostname, vmid };
      await this.store.updateIp(r.zone, subnet, r.ip, { mac: r.mac, hostname: r.hostname, vmid, vnet: r.vnet }, ipEnvelope('IpUpdated', ipEvent(rec), r.correlationId ?? randomUUID()));
      this.committed();
      return ok(rec);
    } catch (e) {
      return fail(e);
    }
  }

  async release(r: AllocateRequest & { ip: string }): Promise<RpcResult<IpRecord>> {
    return counted('release', r, await this.releaseOnce(r));
  }

  private async releaseOnce(r: AllocateRequest & { ip: string }): Promise<RpcResult<IpRecord>> {
    try {
      const ext = await this.viaExternal(r, (x, s) => x.release(r, s));
      if (ext) return ext;
      const subnet = (await this.pickSubnet(r)).cidr;
      const toRec = (row: { vnet: string | null; ip: string; mac: string | null; hostname: string | null; vmid: string | null }): IpRecord =>
        ({ zone: r.zone, vnet: row.vnet ?? r.vnet, subnet, ip: row.ip, mac: row.mac ?? undefined, hostname: row.hostname ?? undefined, vmid: row.vmid ?? undefined });
      const row = await this.store.delIp(r.zone, subnet, r.ip, (m, del) => writeIpEvent(m, ipEnvelope('IpReleased', ipEvent(toRec(del)), r.correlationId ?? randomUUID())));
      this.committed();
      return ok(toRec(row));
    } catch (e) {
      return fail(e);
    }
  }

  /** A lease report of `node`'s DHCP server (IPAM_PATTERNS.dhcpLease; the node is the subject's, which only it may publish). */
  async dhcpLease(node: string, r: DhcpLeaseRequest): Promise<RpcResult<DhcpLeaseResult>> {
    try {
      const res = await this.leases.handle(node, r);
      if (res.changed) this.committed();
      return ok(res);
    } catch (e) {
      return fail(e);
    }
  }

  /** A zone's addresses from its IPAM: the built-in store, or phpIPAM/NetBox when the zone uses one (its DHCP servers' static entries). */
  async list(r: { zone?: string; mac?: string }) {
    try {
      const ext = r.zone && this.pluginFor ? await externalZoneAddresses(this.store.queryable, this.pluginFor, r.zone) : undefined;
      if (ext) return ok(r.mac ? ext.filter((x) => x.mac?.toLowerCase() === r.mac!.toLowerCase()) : ext);
      return ok(await this.store.list(r));
    } catch (e) {
      return fail(e);
    }
  }

  /** GET /cluster/sdn/ipams/{ipam}/status rows (§1.12: vmid as integer). */
  async status() {
    try {
      const rows = await this.store.list();
      return ok(rows.map((x) => ({ zone: x.zone, subnet: x.subnet, vnet: x.vnet ?? undefined, ip: x.ip, mac: x.mac ?? undefined, hostname: x.hostname ?? undefined, vmid: x.vmid && /^\d+$/.test(x.vmid) ? Number(x.vmid) : undefined, gateway: x.gateway ? 1 : undefined })));
    } catch (e) {
      return fail(e);
    }
  }

  /**
   * Subnet lifecycle (§6.1) for the pve IPAM, driven by SubnetCreated/Updated/Deleted. The gateway
   * is compared with the IPAM's own entries, not with the previous event: a redelivered event finds
   * its gateway reserved and writes nothing (no second IpAllocated), and a move cut short between
   * its steps is finished by the next event. Each entry and its IP event commit together (outbox),
   * so the DNS service registers the gateway like any other address (§6.1 step 3 → §6.7).
   */
  async onSubnet(type: string, zone: string, vnet: string, cidr: string, gateway?: string, correlationId: string = randomUUID()) {
    // The gateway entry goes with the subnet, without an IpReleased: §6.1 keeps the gateway's DNS
    // records on delete, and a release would have the DNS service remove them (a "keep the records"
    // marker would be lost on consumers that predate it). Audit readers have SubnetDeleted.
    if (type === 'SubnetDeleted') return this.store.delSubnet(zone, cidr);
    if (pointToPoint(cidr)) return this.store.addSubnet(zone, cidr);
    // One transaction: committed apart, the subnet was open to allocations before its gateway was
    // reserved, and the first address handed out could be the gateway itself.
    const changes = await this.store.transaction(async (m) => {
      await this.store.addSubnet(zone, cidr, m);
      await this.store.lockSubnet(m, zone, cidr);
      const { add, drop } = gatewayMoves(reservedGateway(cidr, gateway), await this.store.gatewaysOf(zone, cidr, m));
      if (add) {
        await this.store.addIp(zone, cidr, add, { isGateway: true, hostname: `${vnet}-gw`, vnet }, undefined, m);
        await writeIpEvent(m, ipEnvelope('IpAllocated', gatewayEvent(zone, vnet, cidr, add), correlationId));
      }
      for (const old of drop) {
        await this.store.delIp(zone, cidr, old, (tx, row) => writeIpEvent(tx, ipEnvelope('IpReleased', gatewayEvent(zone, row.vnet ?? vnet, cidr, row.ip), correlationId)), m);
      }
      return (add ? 1 : 0) + drop.length;
    });
    if (changes) this.committed();
  }

  /** Whether the phpIPAM/NetBox subnet event `eventId` was handled to the end (see `onExternalSubnet`). */
  async externalSubnetDone(eventId: string): Promise<boolean> {
    return (await this.store.queryable.query(`SELECT 1 FROM ipam_subnet_event_done WHERE event_id = $1`, [eventId])).length > 0;
  }

  /**
   * The gateway's IP events of a phpIPAM/NetBox subnet event, written once that IPAM has the change
   * (§6.1 step 3 → §6.7, as `onSubnet` for pve). The IPAM there is not ours to compare with, so the
   * gateway moves are those between the event and the subnet's previous version; the caller is the
   * subnet-event consumer, which sees every event once and in order whichever path made the HTTP
   * calls (API request, consumer, sweeper). The events commit with the event's row in
   * ipam_subnet_event_done and with `within` (the claim of a registration made at the API's
   * request): a redelivery finds the row and writes nothing again. A delete writes none (see onSubnet).
   */
  async onExternalSubnet(
    e: { eventId: string; type: string; zone: string; cidr: string; subnetId: string; correlationId: string },
    now: { vnet: string; gateway?: string } | undefined,
    before: { vnet: string; gateway?: string } | undefined,
    within: (m: EntityManager) => Promise<unknown> = async () => undefined,
  ): Promise<void> {
    const was = reservedGateway(e.cidr, before?.gateway);
    const moves = e.type === 'SubnetDeleted' || pointToPoint(e.cidr) ? { drop: [] } : gatewayMoves(reservedGateway(e.cidr, now?.gateway), was ? [canonicalIp(was)] : []);
    const written = await this.store.transaction(async (m) => {
      // TypeORM answers an INSERT … RETURNING with the rows.
      const fresh: unknown[] = await m.query(`INSERT INTO ipam_subnet_event_done (event_id, subnet_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [e.eventId, e.subnetId]);
      if (!fresh.length) return 0; // another replica handled it meanwhile (ack wait ran out)
      await within(m);
      if (moves.add) await writeIpEvent(m, ipEnvelope('IpAllocated', gatewayEvent(e.zone, now!.vnet, e.cidr, moves.add), e.correlationId));
      for (const ip of moves.drop) await writeIpEvent(m, ipEnvelope('IpReleased', gatewayEvent(e.zone, before!.vnet, e.cidr, ip), e.correlationId));
      return (moves.add ? 1 : 0) + moves.drop.length;
    });
    if (written) this.committed();
  }
}

/** §6.1 order: the new gateway (`add`) is registered before the ones it replaces (`drop`) are deleted. */
function gatewayMoves(gateway: string | undefined, have: string[]): { add?: string; drop: string[] } {
  const want = gateway ? canonicalIp(gateway) : undefined;
  return { add: want && !have.includes(want) ? want : undefined, drop: have.filter((ip) => ip !== want) };
}

/** The pve entry of a gateway keeps no hostname (§6.3 state shape); its event names it as §6.1 registers it. */
function gatewayEvent(zone: string, vnet: string, subnet: string, ip: string): IpEventV1 {
  return { ...ipEvent({ zone, vnet, subnet, ip, hostname: `${vnet}-gw` }), gateway: true };
}

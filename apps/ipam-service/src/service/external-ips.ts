import { randomUUID } from 'node:crypto';
import { canonicalIp, inSubnet, IpamError, type AllocateRequest, type IpAttrs, type IpamPlugin, type IpamSubnet, type IpRecord } from '@sdn/ipam';
import { buildSubnetId } from '@sdn/model';
import type { PveIpamStore } from '../pve/pve-ipam.store';
import { ipEnvelope, ipEvent, writeIpEvent } from '../outbox/ip-outbox';
import type { PluginFactory } from './subnet-events';

/** A subnet of the request's vnet, as the API sends it for an external IPAM. */
export type SubnetEntry = NonNullable<AllocateRequest['subnets']>[number];

const words = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Address operations in a zone whose IPAM is phpIPAM or NetBox: the IPAM holds the addresses
 * (plugin calls of §6.4/§6.5, flows of §6.7) and this service only writes their IP events, to
 * its outbox, once the IPAM has said yes. Nothing is left half-written:
 * - allocations (one, or a batch of N) are undone in the IPAM when a later step fails — the
 *   next address of the batch, or the outbox write — and the error says so;
 * - an update or release cannot be undone (the IPAM's previous values are not known here), so its
 *   event is written first and the IPAM call is the transaction's last step: the event commits
 *   only when the IPAM took the change.
 * No DB connection is held across the many HTTP calls of a batch.
 */
export class ExternalIps {
  constructor(
    private readonly events: Pick<PveIpamStore, 'transaction'>,
    private readonly pluginFor: PluginFactory,
  ) {}

  private target(r: AllocateRequest, s: SubnetEntry) {
    const plugin = this.pluginFor(r.ipamId ?? '', r.ipam ?? {});
    const subnet: IpamSubnet = { id: buildSubnetId(r.zone, s.cidr), zone: r.zone, cidr: s.cidr, gateway: s.gateway, dhcpRanges: s.dhcpRanges };
    const vmid = r.vmid === undefined ? undefined : String(r.vmid);
    const attrs: IpAttrs = { mac: r.mac, hostname: r.hostname, vmid };
    const rec = (ip: string): IpRecord => ({ zone: r.zone, vnet: r.vnet, subnet: s.cidr, ip, mac: r.mac, hostname: r.hostname, vmid });
    return { plugin, subnet, attrs, rec, cid: r.correlationId ?? randomUUID() };
  }

  /** POST with an ip (register it) or without (next free; `count` of them, all or none). */
  async allocate(r: AllocateRequest, s: SubnetEntry): Promise<IpRecord[]> {
    const { plugin, subnet, attrs, rec, cid } = this.target(r, s);
    const taken: string[] = [];
    try {
      if (r.ip) {
        const ip = canonicalIp(r.ip);
        if (!inSubnet(ip, s.cidr)) throw new IpamError(`IP '${r.ip}' is not in subnet '${s.cidr}'`, 'ip');
        // Never as a gateway: the gateway is the subnet's (§6.1), and a caller re-adding it must be refused.
        await plugin.addIp(subnet, ip, attrs);
        taken.push(ip);
      } else {
        const n = Math.max(1, Math.min(r.count ?? 1, 4096));
        // §6.4/§6.5 have no batch call: one address per request, each recorded by the IPAM at once.
        while (taken.length < n) taken.push(await nextFree(plugin, subnet, attrs));
      }
      await this.events.transaction(async (m) => {
        for (const ip of taken) await writeIpEvent(m, ipEnvelope('IpAllocated', ipEvent(rec(ip)), cid));
      });
      return taken.map(rec);
    } catch (e) {
      throw await giveBack(plugin, subnet, taken, e);
    }
  }

  /** PUT: mac/hostname/vmid of an address the IPAM has (a gateway keeps its gateway mark). */
  async update(r: AllocateRequest & { ip: string }, s: SubnetEntry): Promise<IpRecord> {
    const { plugin, subnet, attrs, rec, cid } = this.target(r, s);
    const ip = canonicalIp(r.ip);
    const isGateway = s.gateway !== undefined && canonicalIp(s.gateway) === ip;
    await this.events.transaction(async (m) => {
      await writeIpEvent(m, ipEnvelope('IpUpdated', ipEvent(rec(ip)), cid));
      await plugin.updateIp(subnet, ip, isGateway ? { ...attrs, isGateway } : attrs);
    });
    return rec(ip);
  }

  /** DELETE: an address the IPAM does not have is refused in words, and no event is written. */
  async release(r: AllocateRequest & { ip: string }, s: SubnetEntry): Promise<IpRecord> {
    const { plugin, subnet, rec, cid } = this.target(r, s);
    const ip = canonicalIp(r.ip);
    await this.events.transaction(async (m) => {
      await writeIpEvent(m, ipEnvelope('IpReleased', ipEvent(rec(ip)), cid));
      if (!(await plugin.delIp(subnet, ip))) throw new IpamError(`IP '${r.ip}' does not exist in ipam '${r.ipamId}'`, 'ip');
    });
    return rec(ip);
  }
}

/** §6.7: the subnet's DHCP ranges in order until one yields an address, else the whole subnet. */
async function nextFree(plugin: IpamPlugin, subnet: IpamSubnet, attrs: IpAttrs): Promise<string> {
  if (!subnet.dhcpRanges?.length) return plugin.addNextFreeIp(subnet, attrs);
  for (const range of subnet.dhcpRanges) {
    const ip = await plugin.addRangeNextFreeIp(subnet, range, attrs);
    if (ip) return ip;
  }
  throw new IpamError(`can't find free ip in the dhcp ranges of subnet '${subnet.cidr}'`);
}

/** Releases what a failed request took, and says in the error what became of it. */
async function giveBack(plugin: IpamPlugin, subnet: IpamSubnet, taken: string[], e: unknown): Promise<IpamError> {
  const field = e instanceof IpamError ? e.field : undefined;
  if (!taken.length) return e instanceof IpamError ? e : new IpamError(words(e));
  const stuck: string[] = [];
  for (const ip of taken) await plugin.delIp(subnet, ip).catch((d: unknown) => stuck.push(`${ip} (${words(d)})`));
  const what = stuck.length
    ? `; these addresses it took could not be released again and must be removed in the IPAM by hand: ${stuck.join(', ')}`
    : ` (the ${taken.length} address(es) it took were released again)`;
  return new IpamError(`${words(e)}${what}`, field);
}

import { randomUUID } from 'node:crypto';
import type { IpEventV1 } from '@sdn/contracts';
import { IpamError, familyOf, inSubnet } from '@sdn/ipam';
import { PveIpamStore, Range } from '../pve/pve-ipam.store';
import { IpEventSink } from './ip-events';

/** Request bodies of IPAM_PATTERNS (shared with apps/api/src/ips). */
export interface AllocateRequest {
  zone: string;
  vnet: string;
  /** subnet cidr as in the subnet id; optional when `ip` is given and a listed subnet contains it */
  subnet?: string;
  subnets?: { cidr: string; dhcpRanges?: Range[] }[];
  ip?: string;
  mac?: string;
  hostname?: string;
  vmid?: string | number;
  /** batch extension: allocate N next-free addresses in one call */
  count?: number;
  correlationId?: string;
}
/** An address as the service reports it: the IP event's fields, with the vmid as stored (text). */
export type IpRecord = Omit<IpEventV1, 'vmid' | 'gateway'> & { vmid?: string };
export type RpcResult<T> = { ok: true; data: T } | { ok: false; error: string };

const ok = <T>(data: T): RpcResult<T> => ({ ok: true, data });
const fail = (e: unknown): RpcResult<never> => ({ ok: false, error: e instanceof Error ? e.message : String(e) });

/**
 * Framework-free request handling, so the Nest controller stays a thin pattern map and these
 * rules are testable without a broker. Errors come back as words in `{ok:false,error}`:
 * Nest's RPC exceptions would lose the message across NATS.
 */
export class IpamRpc {
  constructor(private readonly store: PveIpamStore, private readonly emit: IpEventSink) {}

  private async pickSubnet(r: AllocateRequest): Promise<string> {
    if (r.subnet) return r.subnet;
    const list = r.subnets ?? (await this.store.subnetsOf(r.zone)).map((cidr) => ({ cidr }));
    const s = r.ip ? list.find((x) => inSubnet(r.ip!, x.cidr)) : list.find((x) => familyOf(x.cidr.split('/')[0]) === 4) ?? list[0];
    if (!s) throw new IpamError(r.ip ? `no subnet of vnet '${r.vnet}' contains ${r.ip}` : `vnet '${r.vnet}' has no subnet`);
    return s.cidr;
  }

  async allocate(r: AllocateRequest): Promise<RpcResult<IpRecord[]>> {
    try {
      const subnet = await this.pickSubnet(r);
      const attrs = { mac: r.mac, hostname: r.hostname, vmid: r.vmid === undefined ? undefined : String(r.vmid), vnet: r.vnet };
      const ips: string[] = [];
      if (r.ip) ips.push(await this.store.addIp(r.zone, subnet, r.ip, attrs));
      else {
        const n = Math.max(1, Math.min(r.count ?? 1, 4096));
        // Each address commits on its own: a batch that runs out returns what it got plus no error
        // only if all N were found; otherwise the taken ones are given back (all-or-nothing).
        try {
          for (let i = 0; i < n; i++) ips.push(await this.store.nextFreeIp(r.zone, subnet, attrs));
        } catch (e) {
          for (const ip of ips) await this.store.delIp(r.zone, subnet, ip).catch(() => undefined);
          throw e;
        }
      }
      const recs = ips.map((ip) => ({ zone: r.zone, vnet: r.vnet, subnet, ip, mac: r.mac, hostname: r.hostname, vmid: attrs.vmid }));
      const cid = r.correlationId ?? randomUUID();
      await Promise.all(recs.map((x) => this.emit('IpAllocated', toEvent(x), cid)));
      return ok(recs);
    } catch (e) {
      return fail(e);
    }
  }

  async update(r: AllocateRequest & { ip: string }): Promise<RpcResult<IpRecord>> {
    try {
      const subnet = await this.pickSubnet(r);
      const vmid = r.vmid === undefined ? undefined : String(r.vmid);
      await this.store.updateIp(r.zone, subnet, r.ip, { mac: r.mac, hostname: r.hostname, vmid, vnet: r.vnet });
      const rec = { zone: r.zone, vnet: r.vnet, subnet, ip: r.ip, mac: r.mac, hostname: r.hostname, vmid };
      await this.emit('IpUpdated', toEvent(rec), r.correlationId ?? randomUUID());
      return ok(rec);
    } catch (e) {
      return fail(e);
    }
  }

  async release(r: AllocateRequest & { ip: string }): Promise<RpcResult<IpRecord>> {
    try {
      const subnet = await this.pickSubnet(r);
      const row = await this.store.delIp(r.zone, subnet, r.ip);
      const rec = { zone: r.zone, vnet: row.vnet ?? r.vnet, subnet, ip: row.ip, mac: row.mac ?? undefined, hostname: row.hostname ?? undefined, vmid: row.vmid ?? undefined };
      await this.emit('IpReleased', toEvent(rec), r.correlationId ?? randomUUID());
      return ok(rec);
    } catch (e) {
      return fail(e);
    }
  }

  async list(r: { zone?: string; mac?: string }) {
    try {
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

  /** Subnet lifecycle (§6.1) for the pve IPAM, driven by SubnetCreated/Updated/Deleted. */
  async onSubnet(type: string, zone: string, vnet: string, cidr: string, gateway?: string, oldGateway?: string) {
    if (type === 'SubnetDeleted') return this.store.delSubnet(zone, cidr);
    await this.store.addSubnet(zone, cidr);
    const p2p = familyOf(cidr.split('/')[0]) === 4 && cidr.endsWith('/32');
    if (!p2p && gateway && gateway !== oldGateway) await this.store.addIp(zone, cidr, gateway, { isGateway: true, hostname: `${vnet}-gw`, vnet });
    if (!p2p && oldGateway && oldGateway !== gateway) await this.store.delIp(zone, cidr, oldGateway).catch(() => undefined);
  }
}

function toEvent(x: IpRecord): IpEventV1 {
  const e: IpEventV1 = { zone: x.zone, vnet: x.vnet, subnet: x.subnet, ip: x.ip };
  if (x.mac) e.mac = x.mac;
  if (x.hostname) e.hostname = x.hostname;
  if (x.vmid) e.vmid = x.vmid;
  return e;
}

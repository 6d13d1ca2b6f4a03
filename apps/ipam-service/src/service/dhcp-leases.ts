import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { dhcpRanges, familyOf, IpamError, type DhcpLeaseRequest, type DhcpLeaseResult } from '@sdn/ipam';
import { checkFormat } from '@sdn/model';
import { rowsOf, type PveIpamStore } from '../pve/pve-ipam.store';
import { ipEnvelope, ipEvent, writeIpEvent } from '../outbox/ip-outbox';
import { latestObject, zoneSubnets } from './config-view';

type Q = Pick<EntityManager, 'query'>;

/** A DHCP client's host name as an IPAM hostname (and a DNS label): anything else is not recorded. */
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * Leases seen by the nodes' DHCP servers, in the built-in IPAM. dnsmasq serves static entries
 * only (the reference's layout: ranges are not given to it, unknown MACs ignored), so a range
 * address is handed out here, not by dnsmasq: the node reports the unknown MAC, the IPAM takes
 * the next free address of the vnet's `dhcp-range`s and the static entry reaches every serving
 * node like any other allocation. One IPAM decides, so two nodes never lease one address to
 * two guests. Such an address is marked (`dhcp_lease`): only it is ever released by a lease
 * report; an address an operator or the API registered stays whatever a node says.
 */
export class DhcpLeases {
  constructor(
    private readonly store: PveIpamStore,
    private readonly db: Q,
  ) {}

  async handle(node: string, r: DhcpLeaseRequest): Promise<DhcpLeaseResult> {
    for (const f of ['zone', 'vnet', 'mac'] as const) if (typeof r?.[f] !== 'string' || !r[f]) throw new IpamError(`${f} is missing`, f);
    const macErr = checkFormat('mac-addr', r.mac);
    if (macErr) throw new IpamError(macErr, 'mac');
    const mac = r.mac.toLowerCase();
    const zone = await latestObject(this.db, 'zones', r.zone);
    if (!zone?.dhcp) throw new IpamError(`zone '${r.zone}' has no dhcp`, 'zone');
    if ((zone.ipam ?? '') !== this.store.ipam) throw new IpamError(`zone '${r.zone}' does not use the built-in IPAM: its DHCP serves static entries only`, 'zone');
    if (r.op === 'discover') return this.discover(node, r.zone, r.vnet, mac);
    if (typeof r.ip !== 'string' || checkFormat('ip', r.ip)) throw new IpamError(`ip is missing or not an address`, 'ip');
    if (r.op === 'bound') return this.bound(r.zone, r.ip, mac, r.hostname);
    if (r.op === 'released') return this.released(r.zone, r.ip, mac);
    throw new IpamError(`unknown op '${String(r.op)}'`, 'op');
  }

  /** The MAC's IPv4 address in the zone, or the next free one of the vnet's ranges (subnets in id order, ranges in order). */
  private async discover(node: string, zone: string, vnet: string, mac: string): Promise<DhcpLeaseResult> {
    const subnets = (await this.vnetSubnets(zone, vnet)).filter((s) => familyOf(s.cidr.split('/')[0]) === 4 && s.ranges.length);
    if (!subnets.length) throw new IpamError(`vnet '${vnet}' has no IPv4 subnet with a dhcp-range: only MACs with an address in the IPAM get a lease`, 'vnet');
    return this.store.transaction(async (m) => {
      // Every node of a stretched vnet hears the same DISCOVER: one address per MAC however many report it.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`dhcp-lease:${this.store.ipam}:${zone}:${mac}`]);
      const have: { ip: string }[] = await m.query(`SELECT host(ip) AS ip FROM ipam_ip WHERE ipam=$1 AND zone=$2 AND lower(mac)=$3 AND family(ip)=4 ORDER BY ip LIMIT 1`, [this.store.ipam, zone, mac]);
      if (have.length) return { ip: have[0].ip, changed: false };
      for (const s of subnets) {
        for (const range of s.ranges) {
          const ip = await this.store.rangeNextFreeIp(zone, s.cidr, range, { mac, vnet, dhcpLease: true }, m);
          if (!ip) continue;
          await writeIpEvent(m, ipEnvelope('IpAllocated', ipEvent({ zone, vnet, subnet: s.cidr, ip, mac }), `dhcp-${node}-${randomUUID()}`));
          return { ip, changed: true };
        }
      }
      throw new IpamError(`can't find free ip in the dhcp ranges of vnet '${vnet}'`, 'vnet');
    });
  }

  /** The guest's host name on its DHCP lease (the DNS service follows the IpUpdated); an address not leased this way keeps its own. */
  private async bound(zone: string, ip: string, mac: string, hostname: string | undefined): Promise<DhcpLeaseResult> {
    if (!hostname || !HOSTNAME.test(hostname)) return { ip, changed: false };
    return this.store.transaction(async (m) => {
      const rows: { subnet: string; vnet: string | null; vmid: string | null }[] = rowsOf(await m.query(
        `UPDATE ipam_ip SET hostname=$5 WHERE ipam=$1 AND zone=$2 AND ip=$3::inet AND lower(mac)=$4 AND dhcp_lease AND hostname IS DISTINCT FROM $5 RETURNING subnet, vnet, vmid`,
        [this.store.ipam, zone, ip, mac, hostname],
      ));
      if (!rows.length) return { ip, changed: false };
      const row = rows[0];
      await writeIpEvent(m, ipEnvelope('IpUpdated', ipEvent({ zone, vnet: row.vnet ?? '', subnet: row.subnet, ip, mac, hostname, vmid: row.vmid ?? undefined }), `dhcp-${randomUUID()}`));
      return { ip, changed: true };
    });
  }

  /** Gives back a DHCP lease of that MAC; any other address is left alone (an operator's static entry outlives its guest's release). */
  private async released(zone: string, ip: string, mac: string): Promise<DhcpLeaseResult> {
    return this.store.transaction(async (m) => {
      const rows: { subnet: string }[] = await m.query(
        `SELECT subnet FROM ipam_ip WHERE ipam=$1 AND zone=$2 AND ip=$3::inet AND lower(mac)=$4 AND dhcp_lease FOR UPDATE`,
        [this.store.ipam, zone, ip, mac],
      );
      if (!rows.length) return { ip, changed: false };
      await this.store.delIp(zone, rows[0].subnet, ip, (tx, row) =>
        writeIpEvent(tx, ipEnvelope('IpReleased', ipEvent({ zone, vnet: row.vnet ?? '', subnet: row.subnet, ip: row.ip, mac: row.mac ?? undefined, hostname: row.hostname ?? undefined }), `dhcp-${randomUUID()}`)),
      m);
      return { ip, changed: true };
    });
  }

  /** The vnet's subnets in the zone with their ranges, as the last subnet events left them (the API's pending view, as POST /ips). */
  private async vnetSubnets(zone: string, vnet: string): Promise<{ cidr: string; ranges: { start: string; end: string }[] }[]> {
    return (await zoneSubnets(this.db, zone)).filter((s) => s.object.vnet === vnet).map((s) => ({ cidr: s.cidr, ranges: dhcpRanges(s.object) ?? [] }));
  }
}

import * as ipaddr from 'ipaddr.js';
import { HttpClient, fetchHttpClient } from '../http/http-client';
import { IpAttrs, IpamError, IpamPlugin, IpamSubnet, ListedIp } from '../plugin';

export interface NetboxConfig {
  url: string;
  token: string;
}

type Results<T> = { results?: T[] } | undefined;
/** NetBox's default MAX_PAGE_SIZE. */
const NETBOX_PAGE = 1000;
const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** NetBox backend, requests per spec §6.5 (pinned by conformance/ipams/netbox). */
export class NetboxPlugin implements IpamPlugin {
  constructor(private readonly cfg: NetboxConfig, private readonly http: HttpClient = fetchHttpClient()) {}

  private req(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
    return this.http({
      method,
      url: `${this.cfg.url}${path}`,
      headers: { Authorization: `token ${this.cfg.token}`, 'Content-Type': 'application/json; charset=UTF-8' },
      body,
    });
  }

  /**
   * B.10 fix: the reference searches `?q=<address>` and may hit a containing prefix; we ask
   * for the exact prefix so a /16 is never mistaken for its /24.
   */
  async prefixId(cidr: string): Promise<number | undefined> {
    const r = (await this.req('GET', `/ipam/prefixes/?prefix=${encodeURIComponent(cidr)}`)) as Results<{ id: number }>;
    return r?.results?.[0]?.id;
  }

  async ipId(ip: string): Promise<number | undefined> {
    const r = (await this.req('GET', `/ipam/ip-addresses/?address=${encodeURIComponent(ip)}`)) as Results<{ id: number }>;
    return r?.results?.[0]?.id;
  }

  async rangeId(start: string, end: string): Promise<number | undefined> {
    const r = (await this.req('GET', `/ipam/ip-ranges/?start_address=${start}&end_address=${end}`)) as Results<{ id: number }>;
    return r?.results?.[0]?.id;
  }

  private len(subnet: IpamSubnet) {
    return subnet.cidr.split('/')[1];
  }

  private body(subnet: IpamSubnet, ip: string, a: IpAttrs) {
    const description = a.isGateway ? 'gateway' : a.mac ? `mac:${a.mac}` : null;
    const b: Record<string, unknown> = { address: `${ip}/${this.len(subnet)}`, description };
    if (a.hostname) b.dns_name = a.hostname;
    return b;
  }

  async addSubnet(subnet: IpamSubnet): Promise<void> {
    if ((await this.prefixId(subnet.cidr)) !== undefined) throw new IpamError(`prefix ${subnet.cidr} already exists in netbox`);
    let prefix: { id?: number } | undefined;
    try {
      prefix = (await this.req('POST', '/ipam/prefixes/', { prefix: subnet.cidr })) as { id?: number };
    } catch (e) {
      throw new IpamError(`error adding subnet to ipam: ${msg(e)}`);
    }
    const created: number[] = [];
    for (const r of subnet.dhcpRanges ?? []) {
      try {
        const res = (await this.req('POST', '/ipam/ip-ranges/', { start_address: r.start, end_address: r.end })) as { id?: number };
        if (res?.id !== undefined) created.push(res.id);
      } catch (e) {
        // Compensate so a failed create leaves neither ranges nor the prefix behind.
        for (const id of created) await this.req('DELETE', `/ipam/ip-ranges/${id}/`).catch(() => undefined);
        if (prefix?.id !== undefined) await this.req('DELETE', `/ipam/prefixes/${prefix.id}/`).catch(() => undefined);
        throw new IpamError(`could not create ip range ${r.start}:${r.end}: ${msg(e)}`);
      }
    }
  }

  async updateSubnet(subnet: IpamSubnet, old: IpamSubnet): Promise<void> {
    const key = (r: { start: string; end: string }) => `${r.start} - ${r.end}`;
    const newKeys = new Set((subnet.dhcpRanges ?? []).map(key));
    const oldKeys = new Set((old.dhcpRanges ?? []).map(key));
    for (const r of old.dhcpRanges ?? []) {
      if (newKeys.has(key(r))) continue;
      const id = await this.rangeId(r.start, r.end);
      if (id !== undefined) await this.req('DELETE', `/ipam/ip-ranges/${id}/`);
    }
    for (const r of subnet.dhcpRanges ?? []) {
      if (oldKeys.has(key(r))) continue;
      try {
        await this.req('POST', '/ipam/ip-ranges/', { start_address: r.start, end_address: r.end });
      } catch (e) {
        throw new IpamError(`could not create ip range ${r.start}:${r.end}: ${msg(e)}`);
      }
    }
  }

  async delSubnet(subnet: IpamSubnet): Promise<void> {
    const id = await this.prefixId(subnet.cidr);
    if (id === undefined) return;
    const r = (await this.req('GET', `/ipam/ip-addresses/?parent=${encodeURIComponent(subnet.cidr)}`)) as Results<unknown>;
    if ((r?.results?.length ?? 0) > 1) throw new IpamError(`not deleting prefix ${subnet.cidr} because it still contains entries`);
    // B.10 fix: a subnet without gateway is deletable (the reference refused it).
    if (subnet.gateway) await this.delIp(subnet, subnet.gateway);
    for (const range of subnet.dhcpRanges ?? []) {
      const rid = await this.rangeId(range.start, range.end);
      if (rid !== undefined) await this.req('DELETE', `/ipam/ip-ranges/${rid}/`);
    }
    await this.req('DELETE', `/ipam/prefixes/${id}/`);
  }

  async addIp(subnet: IpamSubnet, ip: string, a: IpAttrs): Promise<void> {
    try {
      await this.req('POST', '/ipam/ip-addresses/', this.body(subnet, ip, a));
    } catch (e) {
      // B.11 fix: the reference's "is gateway" check read `data` and was always false.
      if (a.isGateway) {
        const r = (await this.req('GET', `/ipam/ip-addresses/?address=${encodeURIComponent(ip)}`).catch(() => undefined)) as Results<{ description?: string }>;
        if (r?.results?.[0]?.description === 'gateway') return;
        throw new IpamError(`error add subnet ip to ipam: ip ${ip} already exist: ${msg(e)}`);
      }
      throw new IpamError(`error add subnet ip to ipam: ip already exist: ${msg(e)}`);
    }
  }

  async updateIp(subnet: IpamSubnet, ip: string, a: IpAttrs): Promise<void> {
    const id = await this.ipId(ip);
    if (id === undefined) throw new IpamError(`could not find id for ip address ${ip}`);
    try {
      await this.req('PATCH', `/ipam/ip-addresses/${id}/`, this.body(subnet, ip, a));
    } catch (e) {
      throw new IpamError(`error update ip ${ip} : ${msg(e)}`);
    }
  }

  private freeBody(a: IpAttrs) {
    const b: Record<string, unknown> = { description: a.mac ? `mac:${a.mac}` : null };
    if (a.hostname) b.dns_name = a.hostname;
    return b;
  }

  async addNextFreeIp(subnet: IpamSubnet, a: IpAttrs): Promise<string> {
    const id = await this.prefixId(subnet.cidr);
    if (id === undefined) throw new IpamError(`could not find id for prefix ${subnet.cidr}`);
    try {
      const r = (await this.req('POST', `/ipam/prefixes/${id}/available-ips/`, this.freeBody(a))) as { address?: string };
      if (!r?.address) throw new IpamError('no address in response');
      return r.address.split('/')[0];
    } catch (e) {
      throw new IpamError(`can't find free ip in subnet ${subnet.cidr}: ${msg(e)}`);
    }
  }

  async addRangeNextFreeIp(_subnet: IpamSubnet, range: { start: string; end: string }, a: IpAttrs): Promise<string | null> {
    const id = await this.rangeId(range.start, range.end);
    if (id === undefined) throw new IpamError(`could not find id for ip range ${range.start}:${range.end}`);
    try {
      const r = (await this.req('POST', `/ipam/ip-ranges/${id}/available-ips/`, this.freeBody(a))) as { address?: string };
      return r?.address ? r.address.split('/')[0] : null;
    } catch {
      // §6.3/§6.7: an exhausted range is not an error, the caller moves to the next one.
      return null;
    }
  }

  async delIp(_subnet: IpamSubnet, ip: string): Promise<boolean> {
    const id = await this.ipId(ip);
    if (id === undefined) return false;
    try {
      await this.req('DELETE', `/ipam/ip-addresses/${id}/`);
      return true;
    } catch (e) {
      throw new IpamError(`error delete ip ${ip} : ${msg(e)}`);
    }
  }

  /** `?parent=<cidr>` (as the reference's "prefix empty" check), page by page; the MAC is the `mac:<mac>` description (§6.5). */
  async listIps(subnet: IpamSubnet): Promise<ListedIp[]> {
    const out: ListedIp[] = [];
    for (;;) {
      const r = (await this.req('GET', `/ipam/ip-addresses/?parent=${encodeURIComponent(subnet.cidr)}&limit=${NETBOX_PAGE}&offset=${out.length}`)) as
        | { count?: number; results?: { address: string; description?: string | null; dns_name?: string | null }[] }
        | undefined;
      const page = r?.results ?? [];
      for (const e of page) {
        const d = e.description ?? '';
        out.push({ ip: e.address.split('/')[0], mac: d.startsWith('mac:') ? d.slice(4) : undefined, hostname: e.dns_name || undefined, gateway: d === 'gateway' });
      }
      if (!page.length || out.length >= (r?.count ?? 0)) return out;
    }
  }

  async getIpsFromMac(_zone: string, mac: string): Promise<{ ip4?: string; ip6?: string }> {
    const r = (await this.req('GET', `/ipam/ip-addresses/?description__ic=${encodeURIComponent(mac)}`)) as Results<{ address: string }>;
    const out: { ip4?: string; ip6?: string } = {};
    for (const e of r?.results ?? []) {
      const ip = e.address.split('/')[0];
      const k = ipaddr.parse(ip).kind() === 'ipv4' ? 'ip4' : 'ip6';
      out[k] ??= ip;
    }
    return out;
  }
}

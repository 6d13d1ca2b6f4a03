import * as ipaddr from 'ipaddr.js';
import { HttpClient, fetchHttpClient } from '../http/http-client';
import { IpAttrs, IpamError, IpamPlugin, IpamSubnet, ListedIp } from '../plugin';

export interface PhpIpamConfig {
  url: string;
  token: string;
  section: number;
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** phpIPAM backend, requests per spec §6.4 (pinned by conformance/ipams/phpipam). */
export class PhpIpamPlugin implements IpamPlugin {
  constructor(private readonly cfg: PhpIpamConfig, private readonly http: HttpClient = fetchHttpClient()) {}

  private req(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
    return this.http({
      method,
      url: `${this.cfg.url}${path}`,
      headers: { 'Content-Type': 'application/json; charset=UTF-8', Token: this.cfg.token },
      body,
    });
  }

  async prefixId(cidr: string): Promise<number | undefined> {
    const [addr, len] = cidr.split('/');
    const r = (await this.req('GET', `/subnets/cidr/${addr}/${len}`)) as { data?: { id: number }[] } | undefined;
    return r?.data?.[0]?.id;
  }

  private async search(ip: string): Promise<{ id: number; is_gateway?: number | string } | undefined> {
    const r = (await this.req('GET', `/addresses/search/${ip}`)) as { data?: { id: number; is_gateway?: number }[] } | undefined;
    return r?.data?.[0];
  }

  async addSubnet(subnet: IpamSubnet): Promise<void> {
    // Lookup errors are ignored as in the reference: a 404 means "not there yet".
    const id = await this.prefixId(subnet.cidr).catch(() => undefined);
    if (id !== undefined) return;
    const [address, mask] = subnet.cidr.split('/');
    try {
      await this.req('POST', '/subnets/', { subnet: address, mask, sectionId: this.cfg.section });
    } catch (e) {
      throw new IpamError(`error add subnet to ipam: ${msg(e)}`);
    }
  }

  async updateSubnet(): Promise<void> {}

  /** B.10 fix: the reference returns before its DELETE; we really remove the subnet. */
  async delSubnet(subnet: IpamSubnet): Promise<void> {
    const id = await this.prefixId(subnet.cidr).catch(() => undefined);
    if (id === undefined) return;
    try {
      await this.req('DELETE', `/subnets/${id}/`);
    } catch (e) {
      throw new IpamError(`error delete subnet from ipam: ${msg(e)}`);
    }
  }

  async addIp(subnet: IpamSubnet, ip: string, a: IpAttrs): Promise<void> {
    const subnetId = await this.requirePrefix(subnet);
    const body: Record<string, unknown> = { ip, subnetId, hostname: a.hostname ?? null, description: a.vmid ?? null };
    if (a.isGateway) body.is_gateway = 1;
    if (a.mac) body.mac = a.mac;
    try {
      await this.req('POST', '/addresses/', body);
    } catch (e) {
      if (a.isGateway) {
        const found = await this.search(ip).catch(() => undefined);
        if (found && Number(found.is_gateway) === 1) return;
      }
      throw new IpamError(`error add subnet ip to ipam: ip ${ip} already exist: ${msg(e)}`);
    }
  }

  async updateIp(_subnet: IpamSubnet, ip: string, a: IpAttrs): Promise<void> {
    const found = await this.search(ip).catch(() => undefined);
    if (!found) throw new IpamError("can't find ip address in ipam");
    const body: Record<string, unknown> = { hostname: a.hostname ?? null, description: a.vmid ?? null };
    if (a.isGateway) body.is_gateway = 1;
    if (a.mac) body.mac = a.mac;
    try {
      await this.req('PATCH', `/addresses/${found.id}`, body);
    } catch (e) {
      throw new IpamError(`ipam: error update subnet ip ${ip}: ${msg(e)}`);
    }
  }

  async addNextFreeIp(subnet: IpamSubnet, a: IpAttrs): Promise<string> {
    const id = await this.requirePrefix(subnet);
    const body: Record<string, unknown> = { hostname: a.hostname ?? null, description: a.vmid ?? null };
    if (a.mac) body.mac = a.mac;
    try {
      const r = (await this.req('POST', `/addresses/first_free/${id}/`, body)) as { data?: string };
      if (!r?.data || !ipaddr.isValid(r.data)) throw new IpamError('no address in response');
      return r.data;
    } catch (e) {
      throw new IpamError(`can't find free ip in subnet ${subnet.cidr}: ${msg(e)}`);
    }
  }

  /** phpIPAM is not range-aware (§6.4): whole-subnet allocation. */
  async addRangeNextFreeIp(subnet: IpamSubnet, _r: { start: string; end: string }, a: IpAttrs): Promise<string | null> {
    return this.addNextFreeIp(subnet, a);
  }

  async delIp(_subnet: IpamSubnet, ip: string): Promise<boolean> {
    const found = await this.search(ip).catch(() => undefined);
    if (!found) return false;
    try {
      await this.req('DELETE', `/addresses/${found.id}`);
      return true;
    } catch (e) {
      throw new IpamError(`error delete ip ${ip}: ${msg(e)}`);
    }
  }

  /** B.11: the reference aborts with "parsing of result not yet implemented"; we parse it. */
  /** phpIPAM's `GET /subnets/{id}/addresses/` (its documented listing; a subnet without addresses answers 404). */
  async listIps(subnet: IpamSubnet): Promise<ListedIp[]> {
    // Only "not there" is an empty list: an error (a bad token) must not read as "no entries" to the DHCP servers.
    const notFound = (e: unknown) => {
      if (/: 404 /.test(e instanceof Error ? e.message : '')) return undefined;
      throw e;
    };
    const id = await this.prefixId(subnet.cidr).catch(notFound);
    if (id === undefined) return [];
    const r = (await this.req('GET', `/subnets/${id}/addresses/`).catch(notFound)) as { data?: { ip: string; mac?: string | null; hostname?: string | null; is_gateway?: number | string | null }[] } | undefined;
    return (r?.data ?? []).map((a) => ({ ip: a.ip, mac: a.mac || undefined, hostname: a.hostname || undefined, gateway: Number(a.is_gateway) === 1 }));
  }

  async getIpsFromMac(_zone: string, mac: string): Promise<{ ip4?: string; ip6?: string }> {
    const r = (await this.req('GET', `/addresses/search_mac/${mac}`).catch(() => undefined)) as { data?: { ip: string }[] } | undefined;
    const out: { ip4?: string; ip6?: string } = {};
    for (const e of r?.data ?? []) {
      if (!ipaddr.isValid(e.ip)) continue;
      const k = ipaddr.parse(e.ip).kind() === 'ipv4' ? 'ip4' : 'ip6';
      out[k] ??= e.ip;
    }
    return out;
  }

  private async requirePrefix(subnet: IpamSubnet): Promise<number> {
    const id = await this.prefixId(subnet.cidr).catch(() => undefined);
    if (id === undefined) throw new IpamError(`could not find id for prefix ${subnet.cidr}`);
    return id;
  }
}

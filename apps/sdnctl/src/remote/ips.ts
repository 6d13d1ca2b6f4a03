import type { ApiClient } from '../client/api-client';
import { printData, type OutputFormat } from '../output/format';

export interface IpOptions {
  zone?: string;
  ip?: string;
  mac?: string;
  hostname?: string;
  vmid?: string;
  subnet?: string;
  count?: string;
  outputFormat: OutputFormat;
}

/** The vnet's zone, which the ips endpoints require, looked up when not given. */
async function zoneOf(client: ApiClient, vnet: string, zone?: string): Promise<string> {
  if (zone) return zone;
  const v = await client.call<{ zone: string }>('GET', `/cluster/sdn/vnets/${encodeURIComponent(vnet)}`);
  return v.zone;
}

/** `sdnctl ips allocate VNET [--ip IP]`: register IP, or allocate the next free one (or --count of them). */
export async function runIpsAllocate(client: ApiClient, vnet: string, o: IpOptions): Promise<number> {
  const zone = await zoneOf(client, vnet, o.zone);
  const data = await client.call('POST', `/cluster/sdn/vnets/${encodeURIComponent(vnet)}/ips`, { zone, ip: o.ip, mac: o.mac, hostname: o.hostname, vmid: o.vmid, subnet: o.subnet, count: o.count });
  printData(data, o.outputFormat, { first: ['ip', 'mac', 'hostname', 'vmid'] });
  return 0;
}

/** `sdnctl ips release VNET --ip IP`. */
export async function runIpsRelease(client: ApiClient, vnet: string, o: IpOptions): Promise<number> {
  const zone = await zoneOf(client, vnet, o.zone);
  await client.call('DELETE', `/cluster/sdn/vnets/${encodeURIComponent(vnet)}/ips`, { zone, ip: o.ip, mac: o.mac });
  if (o.outputFormat === 'text') process.stdout.write(`released ${o.ip} in ${vnet}\n`);
  else printData(null, o.outputFormat);
  return 0;
}

import type { NatsConnection } from 'nats';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { ipamRpcSubject, type AllocateRequest, type IpRecord, type RpcResult } from '@sdn/ipam';
import { DHCP_PORT_ZONE_TYPES, isSet, parseSubnetId, sortedKeys, text, type RunningConfig } from '@sdn/model';
import { DHCP_PORTS_FILE, dhcpPortHostname, dhcpPortNodeOf, renderDnsmasq, type DhcpPortsSpec } from '@sdn/render';

/** One address a DHCP port holds (or should hold) in the IPAM. */
export interface PortAddress {
  zone: string;
  vnet: string;
  /** CIDR, as the IPAM's entries name their subnet. */
  subnet: string;
  node: string;
  mac: string;
}

export interface PortPlan {
  allocate: AllocateRequest[];
  release: (AllocateRequest & { ip: string })[];
}

/** The zones whose IPAM entries may hold DHCP ports: VLAN, QinQ and VXLAN zones on the built-in IPAM, dhcp set or not (a port of a zone that lost dhcp is released). */
export function portZones(config: RunningConfig): string[] {
  const zones = config.zones?.ids ?? {};
  return sortedKeys(zones).filter((z) => DHCP_PORT_ZONE_TYPES.has(text(zones[z].type)) && text(zones[z].ipam) === 'pve');
}

/**
 * The DHCP port addresses `nodes` need: the subnets of each vnet each node
 * serves, as the node's own render lists them (its dhcp-ports.json), so the
 * reservation and the port the agent plugs can never disagree.
 */
export function wantedPorts(config: RunningConfig, nodes: string[]): PortAddress[] {
  const zones = config.zones?.ids ?? {};
  if (!portZones(config).some((z) => isSet(zones[z].dhcp))) return [];
  const out: PortAddress[] = [];
  for (const node of nodes) {
    const files = renderDnsmasq(config, { nodename: node }) ?? {};
    for (const [path, content] of Object.entries(files)) {
      const [zone, name] = path.split('/');
      if (name !== DHCP_PORTS_FILE) continue;
      const spec = JSON.parse(content) as DhcpPortsSpec;
      for (const [vnet, port] of Object.entries(spec.vnets)) {
        for (const id of port.subnets) {
          const cidr = parseSubnetId(id)?.cidr;
          if (cidr) out.push({ zone, vnet, subnet: cidr, node, mac: port.mac });
        }
      }
    }
  }
  return out;
}

/**
 * What to ask the IPAM so that every wanted port address exists once:
 * allocate the missing ones (next free in the subnet, under the port's MAC
 * and hostname); with `releaseStale` (a full view of the nodes, as on a
 * ConfigApplied), release the entries of ports no node needs any more.
 */
export function planPorts(wanted: PortAddress[], existing: IpRecord[], releaseStale: boolean): PortPlan {
  const key = (p: { zone: string; vnet: string; subnet: string; mac?: string | null }) => `${p.zone} ${p.vnet} ${p.subnet} ${(p.mac ?? '').toLowerCase()}`;
  const held = new Set(existing.filter((e) => dhcpPortNodeOf(e)).map(key));
  const want = new Set(wanted.map(key));
  const allocate = wanted
    .filter((p) => !held.has(key(p)))
    .map((p) => ({ zone: p.zone, vnet: p.vnet, subnet: p.subnet, mac: p.mac, hostname: dhcpPortHostname(p.node) }));
  const release = releaseStale
    ? existing.filter((e) => dhcpPortNodeOf(e) && !want.has(key(e))).map((e) => ({ zone: e.zone, vnet: e.vnet, subnet: e.subnet, ip: e.ip, mac: e.mac, hostname: e.hostname }))
    : [];
  return { allocate, release };
}

export type IpamCall = (pattern: string, body: unknown) => Promise<unknown>;

/** IPAM_PATTERNS request/reply on the bus namespace; an IPAM refusal becomes an Error with its words. */
export function natsIpamCall(nc: NatsConnection, namespace: string): IpamCall {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  return async (pattern, body) => {
    const m = await nc.request(ipamRpcSubject(namespace, pattern), enc.encode(JSON.stringify(body)), { timeout: 10_000 });
    const r = JSON.parse(dec.decode(m.data)) as RpcResult<unknown>;
    if (!r.ok) throw new Error(r.error);
    return r.data;
  };
}

/**
 * Keeps the IPAM's DHCP port entries equal to what the config's serving
 * nodes need, before their bundles go out (the agent looks its addresses
 * up by MAC). The config service does it, not the agents: a node may only
 * read the IPAM, so a compromised node cannot take addresses.
 *
 * A zone that serves DHCP must be listed (its ports are reserved from
 * that answer): failing that throws. The other port zones on the built-in
 * IPAM are listed with a full view only, to release what a zone that lost
 * `dhcp` still holds; that housekeeping failing is a warning (`skipped`),
 * the next apply tries again.
 */
export async function reconcileDhcpPorts(call: IpamCall, config: RunningConfig, nodes: string[], releaseStale: boolean): Promise<PortPlan & { skipped: string[] }> {
  const wanted = wantedPorts(config, nodes);
  const serving = new Set(wanted.map((p) => p.zone));
  const zones = releaseStale ? portZones(config) : [...serving];
  const existing: IpRecord[] = [];
  const skipped: string[] = [];
  for (const zone of zones) {
    try {
      existing.push(...((await call(IPAM_PATTERNS.list, { zone })) as IpRecord[]));
    } catch (e) {
      if (serving.has(zone)) throw e;
      skipped.push(`${zone}: ${String(e)}`);
    }
  }
  const plan = planPorts(wanted, existing, releaseStale);
  for (const r of plan.release) await call(IPAM_PATTERNS.release, r);
  for (const a of plan.allocate) await call(IPAM_PATTERNS.allocate, a);
  return { ...plan, skipped };
}

import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseSubnetId } from '@sdn/model';
import { DHCP_PORTS_FILE, DNSMASQ_CONFIG_ROOT, dhcpNetnsPath, dhcpPortHostIfname, type DhcpPortsSpec } from '@sdn/render';
import { run } from '../apply/run';
import type { IpamAddress } from './reservations';

/**
 * The DHCP ports of the VLAN, QinQ and VXLAN zones this node serves, in the
 * manner of Neutron's DHCP agent: per zone a network namespace
 * (`<root>/run/netns/sdn-dhcp-<zone>`), per vnet a veth whose outer end
 * `dhcp_<vnet>` is a port of the vnet bridge and whose inner end carries the
 * vnet's name, the port's MAC (dhcp-ports.json) and the addresses the IPAM
 * holds for that MAC. dnsmasq runs inside the namespace (`nsenter --net`),
 * so nothing of the zone gets an address on the node itself. Idempotent:
 * called on each sync, it repairs what an ifreload or an operator undid.
 */
const VNET_ID = /^[A-Za-z][A-Za-z0-9]{1,7}$/;

export class DhcpPorts {
  /** `<vnet> <cidr>` of the port addresses found missing (logged once). */
  private readonly missing = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly log: (msg: string) => void,
  ) {}

  /** The namespace file of a zone's ports; dnsmasq is started with `nsenter --net=<this>`. */
  netns(zone: string): string {
    return join(this.root, dhcpNetnsPath(zone));
  }

  /** The zone's port spec from its rendered files, or null for a zone served on the bridges. */
  async spec(zone: string): Promise<DhcpPortsSpec | null> {
    const text = await readFile(join(this.root, DNSMASQ_CONFIG_ROOT, zone, DHCP_PORTS_FILE), 'utf8').catch(() => null);
    if (text === null) return null;
    const spec = JSON.parse(text) as DhcpPortsSpec;
    // The names and MACs become `ip` arguments run as root: only what the renderer can produce passes.
    for (const [vnet, port] of Object.entries(spec.vnets ?? {})) {
      if (!VNET_ID.test(vnet) || !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(port.mac) || !Array.isArray(port.subnets)) throw new Error(`${DHCP_PORTS_FILE} of zone ${zone}: bad port '${vnet}'`);
    }
    return spec;
  }

  /** Brings the zone's namespace and ports to the spec, with the port addresses found in `addresses` (the zone's IPAM entries). */
  async ensure(zone: string, spec: DhcpPortsSpec, addresses: IpamAddress[]): Promise<void> {
    const ns = this.netns(zone);
    await this.ensureNetns(ns);
    const inNs = (...argv: string[]) => ['nsenter', `--net=${ns}`, ...argv];
    await must(inNs('ip', 'link', 'set', 'lo', 'up'));
    const inner = await links(inNs('ip', '-j', 'link', 'show'));
    for (const [vnet, port] of Object.entries(spec.vnets)) {
      const outer = dhcpPortHostIfname(vnet);
      const hostHas = (await run(['ip', 'link', 'show', 'dev', outer])).code === 0;
      if (!hostHas || !inner.has(vnet)) {
        // Half a pair (an interrupted create) is removed: a veth is created whole or not at all.
        if (hostHas) await must(['ip', 'link', 'del', 'dev', outer]);
        if (inner.has(vnet)) await must(inNs('ip', 'link', 'del', 'dev', vnet));
        // Created inside, the outer end sent to the agent's own namespace (by pid): no name clash with the bridge.
        await must(inNs('ip', 'link', 'add', 'name', vnet, 'type', 'veth', 'peer', 'name', outer, 'netns', String(process.pid)));
      }
      // The bridge's MTU (the zone's, or the tunnel's for VXLAN): a larger port would drop what the bridge forwards.
      const mtu = (await readFile(`/sys/class/net/${vnet}/mtu`, 'utf8').catch(() => '')).trim();
      await must(['ip', 'link', 'set', 'dev', outer, ...(mtu ? ['mtu', mtu] : []), 'master', vnet, 'up']);
      await must(inNs('ip', 'link', 'set', 'dev', vnet, 'address', port.mac, ...(mtu ? ['mtu', mtu] : []), 'up'));
      await this.ensureAddresses(inNs, vnet, port.mac, port.subnets, addresses);
    }
    for (const name of inner) {
      if (name !== 'lo' && !(name in spec.vnets)) await must(inNs('ip', 'link', 'del', 'dev', name));
    }
  }

  /** The port's addresses: exactly the IPAM's entries of its MAC in the subnets it serves. */
  private async ensureAddresses(inNs: (...a: string[]) => string[], vnet: string, mac: string, subnets: string[], addresses: IpamAddress[]): Promise<void> {
    const cidrs = new Set(subnets.map((id) => parseSubnetId(id)?.cidr));
    const held = addresses.filter((a) => a.mac?.toLowerCase() === mac && a.subnet && cidrs.has(a.subnet));
    const want = held.map((a) => `${a.ip}/${a.subnet!.split('/')[1]}`);
    for (const cidr of cidrs) {
      const key = `${vnet} ${cidr}`;
      const missing = !held.some((a) => a.subnet === cidr);
      // Said once per gap, not on every periodic sync.
      if (missing && !this.missing.has(key)) this.log(`DHCP port ${vnet}: no address reserved in the IPAM yet in ${cidr} (MAC ${mac}); not served there until one is`);
      if (missing) this.missing.add(key);
      else this.missing.delete(key);
    }
    const have = await globalAddresses(inNs('ip', '-j', 'addr', 'show', 'dev', vnet));
    for (const a of have) if (!want.includes(a)) await must(inNs('ip', 'addr', 'del', a, 'dev', vnet));
    for (const a of want) {
      // No duplicate address detection: the address is the IPAM's, and DAD would hold dnsmasq's IPv6 socket back for a second.
      if (!have.includes(a)) await must(inNs('ip', 'addr', 'add', a, 'dev', vnet, ...(a.includes(':') ? ['nodad'] : [])));
    }
  }

  /** The zone no longer served here: its ports and namespace go (dnsmasq was stopped before). */
  async remove(zone: string): Promise<void> {
    const ns = this.netns(zone);
    if (await isNetns(ns)) {
      // Deleting the inner ends deletes their outer ends in the vnet bridges.
      for (const name of await links(['nsenter', `--net=${ns}`, 'ip', '-j', 'link', 'show'])) {
        if (name !== 'lo') await run(['nsenter', `--net=${ns}`, 'ip', 'link', 'del', 'dev', name]);
      }
      await run(['umount', ns]);
    }
    await rm(ns, { force: true });
  }

  /**
   * A persistent namespace bound on a file under the root, as `ip netns add`
   * does under /run/netns (with root `/` it is that very place). A file left
   * by a previous mount namespace (an agent restarted in the lab) is no
   * namespace any more and is bound anew.
   */
  private async ensureNetns(ns: string): Promise<void> {
    if (await isNetns(ns)) return;
    await mkdir(dirname(ns), { recursive: true });
    await writeFile(ns, '', { flag: 'a' });
    await must(['unshare', `--net=${ns}`, 'true']);
    this.log(`DHCP ports: network namespace ${ns} created`);
  }
}

async function isNetns(path: string): Promise<boolean> {
  return (await run(['nsenter', `--net=${path}`, 'true'], 10_000)).code === 0;
}

async function must(argv: string[]): Promise<void> {
  const r = await run(argv, 10_000);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (rc ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
}

async function links(argv: string[]): Promise<Set<string>> {
  const r = await run(argv, 10_000);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (rc ${r.code}): ${r.stderr.trim()}`);
  return new Set((JSON.parse(r.stdout || '[]') as { ifname: string }[]).map((l) => l.ifname));
}

async function globalAddresses(argv: string[]): Promise<string[]> {
  const r = await run(argv, 10_000);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (rc ${r.code}): ${r.stderr.trim()}`);
  const [dev] = JSON.parse(r.stdout || '[]') as { addr_info?: { local: string; prefixlen: number; scope: string }[] }[];
  return (dev?.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`);
}


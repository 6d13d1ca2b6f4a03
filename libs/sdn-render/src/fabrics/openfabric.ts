import { int, isSet, text } from '@sdn/model';
import type { FrrContext } from '../frr/context';
import { FrrValueError, isIpv4 } from '../frr/ip';
import { appendRouteMap, routeMapEntry } from '../frr/tree';
import type { Fabric, FabricNode } from './model';
import type { InterfaceStanza } from './interfaces';

/**
 * OpenFabric NET from an IPv4 address: `49.0001.` + the four octets
 * zero-padded to three digits, regrouped in 4-digit blocks, + `.00`
 * (172.20.3.1 -> 49.0001.1720.2000.3001.00).
 */
export function openfabricNet(ip: string): string {
  if (!isIpv4(ip)) throw new FrrValueError(`cannot derive an OpenFabric NET from '${ip}'`);
  const digits = ip
    .split('.')
    .map((o) => String(Number(o)).padStart(3, '0'))
    .join('');
  return `49.0001.${digits.slice(0, 4)}.${digits.slice(4, 8)}.${digits.slice(8, 12)}.00`;
}

/**
 * One OpenFabric fabric's FRR part on this node (rendering.md §2.6).
 * `netSource` is the node IPv4 of the first OpenFabric fabric: the reference
 * derives every router's NET from it.
 */
export function openfabricFrr(ctx: FrrContext, fabric: Fabric, me: FabricNode, netSource: string | undefined, seq: number): number {
  const { tree } = ctx;
  const of = tree.openfabric;
  if (netSource) of.routers[fabric.id] = { net: openfabricNet(netSource) };

  const v4 = !!me.ip;
  const v6 = !!me.ip6;
  const helloInterval = int(fabric.section.hello_interval);
  const csnpInterval = int(fabric.section.csnp_interval);
  of.interfaces[`dummy_${fabric.id}`] = { fabric: fabric.id, ipv4: v4, ipv6: v6, passive: true };
  for (const iface of me.interfaces) {
    const multiplier = int(iface.helloMultiplier);
    of.interfaces[iface.name] = {
      fabric: fabric.id,
      ipv4: v4,
      ipv6: v6,
      ...(isSet(fabric.section.hello_interval) && helloInterval !== undefined ? { helloInterval } : {}),
      ...(multiplier !== undefined ? { helloMultiplier: multiplier } : {}),
      ...(isSet(fabric.section.csnp_interval) && csnpInterval !== undefined ? { csnpInterval } : {}),
    };
  }

  if (me.ip && isSet(fabric.section.ip_prefix)) {
    const list = `pve_openfabric_${fabric.id}_ips`;
    tree.accessLists[list] = [{ action: 'permit', network: text(fabric.section.ip_prefix) }];
    const entry = routeMapEntry('permit', [{ kind: 'ip-address', value: list }], [{ field: 'src', value: me.ip }]);
    entry.seq = seq;
    appendRouteMap(tree, 'pve_openfabric', entry);
    (tree.protocolRouteMaps.openfabric ??= {}).v4 = 'pve_openfabric';
    return seq + 10;
  }
  return seq;
}

/** §1.10: every member interface is addressed, unnumbered ones with the node address. */
export function openfabricStanzas(me: FabricNode): InterfaceStanza[] {
  const out: InterfaceStanza[] = [];
  for (const iface of me.interfaces) {
    if (iface.ip || iface.ip6) {
      if (iface.ip) out.push({ name: iface.name, cidr: iface.ip });
      if (iface.ip6) out.push({ name: iface.name, cidr: iface.ip6 });
    } else {
      if (me.ip) out.push({ name: iface.name, cidr: `${me.ip}/32` });
      if (me.ip6) out.push({ name: iface.name, cidr: `${me.ip6}/128` });
    }
  }
  return out;
}

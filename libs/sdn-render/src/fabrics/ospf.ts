import { isSet, text } from '@sdn/model';
import type { FrrContext } from '../frr/context';
import { appendRouteMap, routeMapEntry } from '../frr/tree';
import type { Fabric, FabricNode } from './model';
import type { InterfaceStanza } from './interfaces';

/** One OSPF fabric's FRR part on this node (rendering.md §2.6); the single `router ospf` takes the first fabric's id. */
export function ospfFrr(ctx: FrrContext, fabric: Fabric, me: FabricNode, seq: number): number {
  const { tree } = ctx;
  if (!tree.ospf.router && me.ip) tree.ospf.router = { routerId: me.ip };
  const area = text(fabric.section.area);
  tree.ospf.interfaces[`dummy_${fabric.id}`] = { area, passive: true };
  for (const iface of me.interfaces) {
    // Unnumbered links (node address borrowed) only work point-to-point.
    tree.ospf.interfaces[iface.name] = { area, ...(iface.ip ? {} : { pointToPoint: true }) };
  }

  if (me.ip && isSet(fabric.section.ip_prefix)) {
    const list = `pve_ospf_${fabric.id}_ips`;
    tree.accessLists[list] = [{ action: 'permit', network: text(fabric.section.ip_prefix) }];
    const entry = routeMapEntry('permit', [{ kind: 'ip-address', value: list }], [{ field: 'src', value: me.ip }]);
    entry.seq = seq;
    appendRouteMap(tree, 'pve_ospf', entry);
    (tree.protocolRouteMaps.ospf ??= {}).v4 = 'pve_ospf';
    return seq + 10;
  }
  return seq;
}

export function ospfStanzas(me: FabricNode): InterfaceStanza[] {
  const out: InterfaceStanza[] = [];
  for (const iface of me.interfaces) {
    if (iface.ip) out.push({ name: iface.name, cidr: iface.ip });
    else if (me.ip) out.push({ name: iface.name, cidr: `${me.ip}/32` });
  }
  return out;
}

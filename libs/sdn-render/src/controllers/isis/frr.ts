import type { Controller } from '@sdn/model';
import { isSet, splitList, text } from '@sdn/model';
import type { FrrContext } from '../../frr/context';

/** An isis controller's contribution on its own node (rendering.md §2.4). */
export function isisControllerFrr(ctx: FrrContext, controller: Controller): void {
  if (text(controller.node) !== ctx.facts.nodename) return;
  if (!isSet(controller['isis-ifaces']) || !isSet(controller['isis-net']) || !isSet(controller['isis-domain'])) return;
  const domain = text(controller['isis-domain']);
  ctx.tree.isisRouters[domain] = {
    net: text(controller['isis-net']),
    redistributeIpv4Connected: 'level-1',
    redistributeIpv6Connected: 'level-1',
    logAdjacencyChanges: true,
    custom: [],
  };
  // The reference turns IS-IS on for IPv4 only, even on dual-stack interfaces (spec 7.6.4).
  for (const iface of splitList(controller['isis-ifaces'])) {
    ctx.tree.isisInterfaces[iface] = { domain, ipv4: true, ipv6: false, custom: [] };
  }
}

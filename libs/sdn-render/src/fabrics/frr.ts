import type { FrrContext } from '../frr/context';
import { fabrics } from './model';
import { openfabricFrr } from './openfabric';
import { ospfFrr } from './ospf';

/**
 * Fabric contributions (rendering.md §2.6). They run after the route-map
 * renumbering, so their entries keep the 100, 110, … numbering they get here.
 */
export function fabricsFrr(ctx: FrrContext): void {
  let seq = 100;
  let netSource: string | undefined;
  let firstOpenfabric = true;
  for (const fabric of fabrics(ctx.config)) {
    const me = fabric.nodes.find((n) => n.node === ctx.facts.nodename);
    if (!me) continue;
    if (fabric.protocol === 'openfabric') {
      if (firstOpenfabric) netSource = me.ip;
      firstOpenfabric = false;
      seq = openfabricFrr(ctx, fabric, me, netSource, seq);
    } else {
      seq = ospfFrr(ctx, fabric, me, seq);
    }
  }
}

import type { NodeFacts } from '../facts/node-facts';
import { isIpv6 } from '../frr/ip';
import { fabrics, type ConfigWithFabrics } from './model';
import { openfabricStanzas } from './openfabric';
import { ospfStanzas } from './ospf';

export interface InterfaceStanza {
  name: string;
  cidr: string;
  dummy?: boolean;
}

/**
 * The fabric part of the ifupdown2 file (rendering.md §1.10): appended
 * verbatim after the zone part, in fabric order, never sorted with it.
 */
export function renderFabricInterfaces(config: ConfigWithFabrics, facts: NodeFacts): string {
  const stanzas: InterfaceStanza[] = [];
  for (const fabric of fabrics(config)) {
    const me = fabric.nodes.find((n) => n.node === facts.nodename);
    if (!me) continue;
    const dummy = `dummy_${fabric.id}`;
    if (me.ip) stanzas.push({ name: dummy, cidr: `${me.ip}/32`, dummy: true });
    if (me.ip6) stanzas.push({ name: dummy, cidr: `${me.ip6}/128`, dummy: true });
    stanzas.push(...(fabric.protocol === 'openfabric' ? openfabricStanzas(me) : ospfStanzas(me)));
  }
  return stanzas
    .map((s) => {
      const family = isIpv6(s.cidr.split('/')[0]) ? 'inet6' : 'inet';
      const lines = ['', `auto ${s.name}`, `iface ${s.name} ${family} static`, `\taddress ${s.cidr}`];
      if (s.dummy) lines.push('\tlink-type dummy');
      lines.push('\tip-forward 1');
      return lines.join('\n') + '\n';
    })
    .join('');
}

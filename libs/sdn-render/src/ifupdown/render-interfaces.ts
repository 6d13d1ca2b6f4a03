import { isSet, nodeList, sortedKeys, text, type RunningConfig, type ZoneType } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';
import { renderEvpnVnet } from '../zones/evpn/interfaces';
import { renderQinqVnet } from '../zones/qinq/interfaces';
import { renderSimpleVnet } from '../zones/simple/interfaces';
import { renderVlanVnet } from '../zones/vlan/interfaces';
import { renderVxlanVnet } from '../zones/vxlan/interfaces';
import { serialiseStanzas, Stanzas } from './stanzas';
import { VnetRenderError, type ZoneInterfacesRenderer } from './zone-renderer';

const RENDERERS: Readonly<Record<ZoneType, ZoneInterfacesRenderer>> = {
  simple: renderSimpleVnet,
  vlan: renderVlanVnet,
  qinq: renderQinqVnet,
  vxlan: renderVxlanVnet,
  evpn: renderEvpnVnet,
};

export interface RenderedInterfaces {
  /** The zone part of `/etc/network/interfaces.d/sdn`. */
  text: string;
  /** Vnets skipped and why, in vnet order; the reference only logs these. */
  warnings: string[];
}

/**
 * The zone part of the ifupdown2 `sdn` file for one node (rendering.md
 * §1.1), with the warnings the reference would log.
 */
export function renderInterfacesWithWarnings(config: RunningConfig, facts: NodeFacts): RenderedInterfaces {
  // No header at all for a config that never had vnets or zones: the file then stays empty.
  if (!config.vnets && !config.zones) return { text: '', warnings: [] };

  const stanzas = new Stanzas();
  const warnings: string[] = [];
  const zones = config.zones?.ids ?? {};
  const vnets = config.vnets?.ids ?? {};

  for (const vnetId of sortedKeys(vnets)) {
    const vnet = vnets[vnetId];
    if (!isSet(vnet.zone)) {
      warnings.push(`can't generate vnet '${vnetId}': no zone assigned!`);
      continue;
    }
    const zoneId = text(vnet.zone);
    const zone = Object.hasOwn(zones, zoneId) ? zones[zoneId] : undefined;
    if (!zone) {
      warnings.push(`can't generate vnet '${vnetId}': zone ${zoneId} don't exist`);
      continue;
    }
    const nodes = nodeList(zone.nodes);
    if (nodes.length > 0 && !nodes.includes(facts.nodename)) continue;

    const render = Object.hasOwn(RENDERERS, zone.type) ? RENDERERS[zone.type as ZoneType] : undefined;
    try {
      if (!render) throw new VnetRenderError(`unknown zone type ${text(zone.type)}`);
      render({ config, facts, zoneId, zone, vnetId, vnet, stanzas });
    } catch (e) {
      if (!(e instanceof VnetRenderError)) throw e;
      warnings.push(`zone ${zoneId} : vnet ${vnetId} : ${e.message}`);
    }
  }

  return { text: serialiseStanzas(text(config.version), stanzas), warnings };
}

/** The zone part of the ifupdown2 `sdn` file for one node (rendering.md §1.1). */
export function renderInterfaces(config: RunningConfig, facts: NodeFacts): string {
  return renderInterfacesWithWarnings(config, facts).text;
}

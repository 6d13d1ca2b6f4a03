import type { RunningConfig } from '@sdn/model';
import type { NodeFacts } from './facts/node-facts';
import { renderInterfaces } from './ifupdown/render-interfaces';
import { renderFrr } from './frr/render-frr';
import { renderFabricInterfaces } from './fabrics/interfaces';
import { renderDnsmasq, type DnsmasqFiles } from './dhcp/dnsmasq';
import { nodeRenderConfig } from './node-config';

/** The files one node must run. */
export interface NodeBundleFiles {
  /** Content of `/etc/network/interfaces.d/sdn`. */
  interfaces: string;
  /** Content of `/etc/frr/frr.conf`, when the config has controllers (or a local FRR snippet applies). */
  frr?: string;
  /** The node's dnsmasq files under `/etc/dnsmasq.d` (`<zone>/<file>`), when it serves a DHCP zone. */
  dnsmasq?: DnsmasqFiles;
}

/** Renders one node's files. Pure: no I/O, no clock, no randomness. */
export function renderNode(config: RunningConfig, facts: NodeFacts): NodeBundleFiles {
  return renderNodeFrom(nodeRenderConfig(config, facts.nodename), facts);
}

/** renderNode against the config as given, not cut to the node's zones (node-config.spec compares the two). */
export function renderNodeFrom(config: RunningConfig, facts: NodeFacts): NodeBundleFiles {
  // The fabric stanzas follow the zone part unsorted (rendering.md §1.1 step 5, §1.10).
  const interfaces = renderInterfaces(config, facts) + renderFabricInterfaces(config, facts);
  const frr = renderFrr(config, facts);
  const dnsmasq = renderDnsmasq(config, facts);
  return { interfaces, ...(frr === undefined ? {} : { frr }), ...(dnsmasq ? { dnsmasq } : {}) };
}

/** Features of a config this renderer cannot render yet (the caller reports them). */
export function unsupportedFeatures(_config: RunningConfig): string[] {
  return [];
}

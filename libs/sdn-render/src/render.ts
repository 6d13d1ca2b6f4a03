import { createHash } from 'node:crypto';
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

/** Per cut (or whole config, which is its own cut): its key, hashed once however many nodes share it. */
const cutKeys = new WeakMap<RunningConfig, string>();

/**
 * Everything renderNode's files depend on apart from the interfaces file's
 * `#version:` line: the node's cut of the config (nodeRenderConfig: the
 * whole config when it cannot be cut) without its version, and the node's
 * facts (its name among them). renderNode is pure and reads the version
 * only for that line, so two renders with equal keys give files that differ
 * at most there: a caller may keep a node's last files and re-version them
 * instead of rendering again. JSON text is the key's input: configs and facts
 * arrive as JSON, and any difference, a mere key order included, only costs
 * a render. The renderer's code is not in the key, so keys compare only
 * within one process: keep them in memory, never on the bus or on disk
 * (another release may render the same inputs differently).
 */
export function renderInputKey(config: RunningConfig, facts: NodeFacts): string {
  const cut = nodeRenderConfig(config, facts.nodename);
  let key = cutKeys.get(cut);
  if (key === undefined) {
    key = createHash('sha256').update(JSON.stringify({ ...cut, version: undefined })).digest('hex');
    cutKeys.set(cut, key);
  }
  return createHash('sha256').update(`sdn-render-input/1 ${key}\n`).update(JSON.stringify(facts)).digest('hex');
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

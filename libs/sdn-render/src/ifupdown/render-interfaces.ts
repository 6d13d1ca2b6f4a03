import { isSet, nodeList, sortedKeys, text, type RunningConfig, type Vnet, type Zone, type ZoneType } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';
import { evpnZoneInterfaces } from '../zones/evpn/interfaces';
import { qinqZoneInterfaces } from '../zones/qinq/interfaces';
import { simpleZoneInterfaces } from '../zones/simple/interfaces';
import { vlanZoneInterfaces } from '../zones/vlan/interfaces';
import { vxlanZoneInterfaces } from '../zones/vxlan/interfaces';
import { StanzaRecording } from './stanza-recording';
import { serialiseStanzasInOrder, Stanzas, type StanzaSink } from './stanzas';
import { VnetRenderError, type ZoneInterfacesRenderer, type ZoneNodeView } from './zone-renderer';

/** Sound because a renderer's views only ever go back to the same renderer. */
const anyView = <V extends ZoneNodeView>(r: ZoneInterfacesRenderer<V>) => r as unknown as ZoneInterfacesRenderer;

const RENDERERS: Readonly<Record<ZoneType, ZoneInterfacesRenderer>> = {
  simple: anyView(simpleZoneInterfaces),
  vlan: anyView(vlanZoneInterfaces),
  qinq: anyView(qinqZoneInterfaces),
  vxlan: anyView(vxlanZoneInterfaces),
  evpn: anyView(evpnZoneInterfaces),
};

export interface RenderedInterfaces {
  /** The zone part of `/etc/network/interfaces.d/sdn`. */
  text: string;
  /** Vnets skipped and why, in vnet order; the reference only logs these. */
  warnings: string[];
}

/** A vnet as the cluster-wide pass resolved it: its zone, or why it is skipped on every node. */
type PlannedVnet =
  | { vnetId: string; skipped: string }
  | { vnetId: string; vnet: Vnet; zoneId: string; zone: Zone; nodes: string[]; renderer?: ZoneInterfacesRenderer };

/** One vnet rendered for one node view: the commands it issued and, if it gave up, why. */
interface VnetOutcome {
  recording: StanzaRecording;
  skipped?: string;
}

/**
 * How many distinct node views of one zone keep their vnets' outcomes. Zones
 * whose output differs on every node (an EVPN tunnel address) stop being
 * recorded past this, so memory stays bounded by the config, not the cluster.
 */
const MAX_RECORDED_VIEWS_PER_ZONE = 8;

/**
 * The ifupdown2 side of one running config, compiled once for the whole
 * cluster: vnets resolved and ordered, and each vnet's stanzas recorded per
 * distinct node view of its zone. Rendering a node then computes one view
 * per zone and replays the recorded vnets; only zones whose views differ on
 * every node are generated afresh.
 */
export class CompiledInterfaces {
  private readonly plan: PlannedVnet[];
  /** zone id -> view key -> vnet id -> outcome (null: view seen once, not recorded yet) */
  private readonly recorded = new Map<string, Map<string, Map<string, VnetOutcome> | null>>();
  /** Stanza names of the last node rendered, sorted; most nodes of a cluster have the same set. */
  private lastOrder?: readonly string[];

  constructor(private readonly config: RunningConfig) {
    const zones = config.zones?.ids ?? {};
    const vnets = config.vnets?.ids ?? {};
    const nodesOf = new Map<string, string[]>();
    this.plan = sortedKeys(vnets).map((vnetId): PlannedVnet => {
      const vnet = vnets[vnetId];
      if (!isSet(vnet.zone)) return { vnetId, skipped: `can't generate vnet '${vnetId}': no zone assigned!` };
      const zoneId = text(vnet.zone);
      const zone = Object.hasOwn(zones, zoneId) ? zones[zoneId] : undefined;
      if (!zone) return { vnetId, skipped: `can't generate vnet '${vnetId}': zone ${zoneId} don't exist` };
      let nodes = nodesOf.get(zoneId);
      if (!nodes) nodesOf.set(zoneId, (nodes = nodeList(zone.nodes)));
      const renderer = Object.hasOwn(RENDERERS, zone.type) ? RENDERERS[zone.type as ZoneType] : undefined;
      return { vnetId, vnet, zoneId, zone, nodes, renderer };
    });
  }

  /** The zone part of the `sdn` file for one node (rendering.md §1.1), with the warnings the reference would log. */
  render(facts: NodeFacts): RenderedInterfaces {
    const { config } = this;
    // No header at all for a config that never had vnets or zones: the file then stays empty.
    if (!config.vnets && !config.zones) return { text: '', warnings: [] };

    const stanzas = new Stanzas();
    const warnings: string[] = [];
    /** Per zone on this node: its view, and its vnets' recorded outcomes (none: generate directly). */
    const views = new Map<string, { view: ZoneNodeView; outcomes?: Map<string, VnetOutcome> }>();

    for (const p of this.plan) {
      if ('skipped' in p) {
        warnings.push(p.skipped);
        continue;
      }
      if (p.nodes.length > 0 && !p.nodes.includes(facts.nodename)) continue;
      if (!p.renderer) {
        warnings.push(`zone ${p.zoneId} : vnet ${p.vnetId} : unknown zone type ${text(p.zone.type)}`);
        continue;
      }
      let zoneOnNode = views.get(p.zoneId);
      if (!zoneOnNode) {
        const view = p.renderer.nodeView({ config, facts, zoneId: p.zoneId, zone: p.zone });
        views.set(p.zoneId, (zoneOnNode = { view, outcomes: this.outcomesFor(p.zoneId, view.key) }));
      }
      const { view, outcomes } = zoneOnNode;

      let outcome = outcomes?.get(p.vnetId);
      if (outcomes && !outcome) {
        const recording = new StanzaRecording();
        outcome = { recording, skipped: renderVnet(config, p, view, recording) };
        outcomes.set(p.vnetId, outcome);
      }
      if (outcome) {
        outcome.recording.replayOn(stanzas);
        if (outcome.skipped !== undefined) warnings.push(outcome.skipped);
      } else {
        const skipped = renderVnet(config, p, view, stanzas);
        if (skipped !== undefined) warnings.push(skipped);
      }
    }

    const { text: file, order } = serialiseStanzasInOrder(text(config.version), stanzas, this.lastOrder);
    this.lastOrder = order;
    return { text: file, warnings };
  }

  /**
   * Where a zone's vnets are recorded for one view. Nothing the first time a
   * view is seen: recording costs more than generating, so it only pays
   * from the second node sharing the view (and a single-node render stays as
   * cheap as direct generation). Nothing either once the zone has too many
   * views.
   */
  private outcomesFor(zoneId: string, key: string): Map<string, VnetOutcome> | undefined {
    let byView = this.recorded.get(zoneId);
    if (!byView) this.recorded.set(zoneId, (byView = new Map()));
    const known = byView.get(key);
    if (known) return known;
    if (known === undefined) {
      if (byView.size < MAX_RECORDED_VIEWS_PER_ZONE) byView.set(key, null);
      return undefined;
    }
    const outcomes = new Map<string, VnetOutcome>();
    byView.set(key, outcomes);
    return outcomes;
  }
}

/** Generates one vnet into `sink`; returns the warning when the vnet is skipped (rendering.md §1.1 step 3). */
function renderVnet(config: RunningConfig, p: Extract<PlannedVnet, { renderer?: ZoneInterfacesRenderer }>, view: ZoneNodeView, sink: StanzaSink): string | undefined {
  try {
    p.renderer!.renderVnet({ config, zoneId: p.zoneId, zone: p.zone, vnetId: p.vnetId, vnet: p.vnet, view, stanzas: sink });
    return undefined;
  } catch (e) {
    if (!(e instanceof VnetRenderError)) throw e;
    return `zone ${p.zoneId} : vnet ${p.vnetId} : ${e.message}`;
  }
}

// A running config is never mutated once built (the same assumption as the subnet index), so its compilation is kept with it.
const compiled = new WeakMap<RunningConfig, CompiledInterfaces>();

export function compileInterfaces(config: RunningConfig): CompiledInterfaces {
  let c = compiled.get(config);
  if (!c) compiled.set(config, (c = new CompiledInterfaces(config)));
  return c;
}

/** The zone part of the ifupdown2 `sdn` file for one node (rendering.md §1.1), with the warnings the reference would log. */
export function renderInterfacesWithWarnings(config: RunningConfig, facts: NodeFacts): RenderedInterfaces {
  return compileInterfaces(config).render(facts);
}

/** The zone part of the ifupdown2 `sdn` file for one node (rendering.md §1.1). */
export function renderInterfaces(config: RunningConfig, facts: NodeFacts): string {
  return renderInterfacesWithWarnings(config, facts).text;
}

import type { RunningConfig, Vnet, Zone } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';
import type { StanzaSink } from './stanzas';

/**
 * Everything a zone's vnets need to know about one node, computed once per
 * (zone, node). Two nodes with the same `key` get byte-identical output for
 * every vnet of the zone: that is what lets a cluster render compile each
 * vnet once and replay it on every node with the same view.
 */
export interface ZoneNodeView {
  readonly key: string;
  /**
   * Why this node cannot render the zone's vnets (e.g. no address in its
   * fabric); thrown by each vnet after its own checks, as the reference
   * reports the vnet's problems first.
   */
  readonly error?: string;
}

/** What a zone type's node view is computed from. */
export interface ZoneViewContext {
  config: RunningConfig;
  facts: NodeFacts;
  zoneId: string;
  zone: Zone;
}

/**
 * Everything a zone type's generator needs to render one vnet. There are no
 * node facts here on purpose: whatever of the node matters is in `view`.
 */
export interface VnetRenderContext<V extends ZoneNodeView = ZoneNodeView> {
  config: RunningConfig;
  zoneId: string;
  zone: Zone;
  vnetId: string;
  vnet: Vnet;
  view: V;
  stanzas: StanzaSink;
}

/** The ifupdown2 side of one zone type. */
export interface ZoneInterfacesRenderer<V extends ZoneNodeView = ZoneNodeView> {
  /** The node-dependent part, once per zone and node; never throws for bad config. */
  nodeView(ctx: ZoneViewContext): V;
  /**
   * Renders one vnet into `ctx.stanzas`. Throws `VnetRenderError` for a
   * configuration it cannot render; the vnet is then skipped with a warning
   * (rendering.md §1.1 step 3).
   */
  renderVnet(ctx: VnetRenderContext<V>): void;
}

/** A vnet the reference would skip with `zone <zone> : vnet <id> : <message>`. */
export class VnetRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VnetRenderError';
  }
}

/** Throws the view's node-level error, if any (after the vnet's own checks). */
export function assertViewUsable(view: ZoneNodeView): void {
  if (view.error !== undefined) throw new VnetRenderError(view.error);
}

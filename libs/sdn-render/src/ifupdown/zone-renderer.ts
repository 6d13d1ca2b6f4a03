import type { RunningConfig, Vnet, Zone } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';
import type { Stanzas } from './stanzas';

/** Everything a zone type's generator needs to render one vnet. */
export interface VnetRenderContext {
  config: RunningConfig;
  facts: NodeFacts;
  zoneId: string;
  zone: Zone;
  vnetId: string;
  vnet: Vnet;
  stanzas: Stanzas;
}

/**
 * Renders one vnet of a zone type into `ctx.stanzas`. Throws
 * `VnetRenderError` for a configuration it cannot render; the vnet is then
 * skipped with a warning (rendering.md §1.1 step 3).
 */
export type ZoneInterfacesRenderer = (ctx: VnetRenderContext) => void;

/** A vnet the reference would skip with `zone <zone> : vnet <id> : <message>`. */
export class VnetRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VnetRenderError';
  }
}

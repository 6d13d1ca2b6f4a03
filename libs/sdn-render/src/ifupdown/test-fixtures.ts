import type { RunningConfig } from '@sdn/model';
import type { BridgeFacts, NodeFacts } from '../facts/node-facts';

/** Node facts for unit tests: node `n1`, no interfaces, no routes, unless given. */
export function testFacts(over: Partial<NodeFacts> = {}): NodeFacts {
  return { nodename: 'n1', addresses: {}, routes: [], bridges: {}, macs: {}, ...over };
}

/** A default route in both families answering with this source address and device. */
export function defaultRoutes(src: string | null, dev: string | null): NodeFacts['routes'] {
  return [
    { dst: '0.0.0.0/0', dev, src },
    { dst: '::/0', dev, src },
  ];
}

export function bridge(over: Partial<BridgeFacts> = {}): BridgeFacts {
  return { ovs: false, vlanAware: false, ports: [], ...over };
}

type Ids<K extends keyof RunningConfig> = NonNullable<RunningConfig[K]> extends { ids: infer T } ? T : never;

/** A running config with version 1 from plain id -> section maps. */
export function testConfig(sections: {
  zones?: Ids<'zones'>;
  vnets?: Ids<'vnets'>;
  subnets?: Ids<'subnets'>;
  controllers?: Ids<'controllers'>;
  fabrics?: Record<string, Record<string, unknown>>;
}): RunningConfig {
  const out: RunningConfig & { fabrics?: unknown } = { version: 1 };
  for (const [k, ids] of Object.entries(sections)) if (ids) (out as Record<string, unknown>)[k] = { ids };
  return out;
}

/** The option lines of one stanza in a rendered file, or undefined when it is absent. */
export function stanzaOf(file: string, name: string): string[] | undefined {
  const blocks = file.split('\n\n').slice(1);
  const block = blocks.find((b) => b.startsWith(`auto ${name}\niface ${name}\n`));
  if (block === undefined) return undefined;
  return block
    .split('\n')
    .slice(2)
    .filter((l) => l !== '')
    .map((l) => l.replace(/^\t/, ''));
}

import type { NodeFactsMessageV1 } from '@sdn/contracts';
import type { RunningConfig } from '@sdn/model';
import { syntheticNodeFacts } from '@sdn/render';

/**
 * Configs the renderer handles completely (simple and VXLAN zones): zone `zs`
 * is restricted to node n1, zone `zx` spans every node. `vnets` adds more
 * VXLAN vnets so tests can size a config.
 */
export function sampleConfig(version: number, opts: { vnets?: number; peers?: string[] } = {}): RunningConfig {
  const peers = opts.peers ?? ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
  const vnets: NonNullable<RunningConfig['vnets']>['ids'] = { vs1: { type: 'vnet', zone: 'zs' }, vx1: { type: 'vnet', zone: 'zx', tag: 100 } };
  const subnets: NonNullable<RunningConfig['subnets']>['ids'] = { 'zs-10.1.0.0-24': { type: 'subnet', vnet: 'vs1', gateway: '10.1.0.1' } };
  for (let i = 0; i < (opts.vnets ?? 0); i++) {
    vnets[`vxb${i}`] = { type: 'vnet', zone: 'zx', tag: 1000 + i };
    const n = i;
    const net = `${10 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}.0`;
    subnets[`zx-${net}-24`] = { type: 'subnet', vnet: `vxb${i}`, gateway: net.replace(/0$/, '1') };
  }
  return {
    version,
    zones: { ids: { zs: { type: 'simple', nodes: 'n1', ipam: 'pve' }, zx: { type: 'vxlan', peers: peers.join(','), ipam: 'pve' } } },
    vnets: { ids: vnets },
    subnets: { ids: subnets },
  };
}

/** A facts message for node `name` whose underlay address is `ip`. */
export function factsMessage(name: string, ip: string): NodeFactsMessageV1 {
  return {
    node: name,
    facts: syntheticNodeFacts(name, ip) as unknown as Record<string, unknown>,
    publishedAt: '2026-01-01T00:00:00Z',
  };
}

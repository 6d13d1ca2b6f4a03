import type { Controller, RunningConfig, Subnet, Vnet, Zone } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';

/** Node `localhost` with its address on vmbr0, as in the golden vectors. */
export function frrFacts(over: Partial<NodeFacts> = {}): NodeFacts {
  return {
    nodename: 'localhost',
    addresses: { vmbr0: '192.168.0.1' },
    routes: [
      { dst: '0.0.0.0/0', dev: 'vmbr0', src: '192.168.0.1' },
      { dst: '::/0', dev: 'vmbr0', src: '192.168.0.1' },
    ],
    bridges: {},
    macs: { vmbr0: 'bc:24:11:1d:69:60' },
    frrLocal: null,
    ...over,
  };
}

export const EVPN_CTL: Controller = { type: 'evpn', asn: '65000', peers: '192.168.0.1,192.168.0.2,192.168.0.3' };

/** One evpn controller `evpnctl`, zone `myzone` (vrf-vxlan 1000), vnet `myvnet`, one subnet; sections override. */
export function evpnConfig(
  over: {
    controllers?: Record<string, Controller>;
    zones?: Record<string, Zone>;
    vnets?: Record<string, Vnet>;
    subnets?: Record<string, Subnet>;
    fabrics?: Record<string, Record<string, unknown>>;
  } = {},
): RunningConfig {
  return {
    version: 1,
    controllers: { ids: over.controllers ?? { evpnctl: EVPN_CTL } },
    zones: { ids: over.zones ?? { myzone: { type: 'evpn', controller: 'evpnctl', 'vrf-vxlan': 1000 } } },
    vnets: { ids: over.vnets ?? { myvnet: { type: 'vnet', zone: 'myzone', tag: '100' } } },
    subnets: { ids: over.subnets ?? { 'myzone-10.0.0.0-24': { type: 'subnet', vnet: 'myvnet', gateway: '10.0.0.1' } } },
    ...(over.fabrics ? { fabrics: { ids: over.fabrics } } : {}),
  } as RunningConfig;
}

/** The lines of the block that starts with `header` (up to, not including, its `exit`). */
export function block(conf: string, header: string): string[] | undefined {
  const lines = conf.split('\n');
  const start = lines.indexOf(header);
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^exit/.test(l));
  return lines.slice(start + 1, end);
}

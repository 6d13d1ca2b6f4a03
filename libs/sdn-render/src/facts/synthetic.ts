import type { NodeFacts } from './node-facts';

/**
 * A plain node for tests and benchmarks: bridge `vmbr0` on `eth0` holds the
 * underlay address `ip`, and the default route leaves through it.
 */
export function syntheticNodeFacts(nodename: string, ip: string): NodeFacts {
  return {
    nodename,
    addresses: { vmbr0: ip },
    routes: [{ dst: '0.0.0.0/0', dev: 'vmbr0', src: ip }],
    bridges: { vmbr0: { ovs: false, vlanAware: false, ports: ['eth0'] } },
    macs: { vmbr0: 'bc:24:11:00:00:01' },
    frrLocal: null,
  };
}

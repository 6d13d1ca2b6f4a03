import { fabricInterfaceSet, fabricRoutes, openfabricInterfaces, openfabricNeighbors, ospfInterfaces, ospfNeighbors } from './fabric-status';

// Captured from FRR 8.4.4 (two namespaces linked by a veth, a1 <-> a2), trimmed to the fields read and a few others.
const hop = (ip: string, dev: string) => ({ flags: 11, fib: true, ip, afi: 'ipv4', interfaceName: dev, active: true, onLink: true });
const OPENFABRIC_ROUTES = {
  '10.77.0.2/32': [{ prefix: '10.77.0.2/32', protocol: 'openfabric', selected: true, distance: 115, metric: 20, installed: true, nexthops: [hop('10.77.0.2', 'a1')] }],
  // A prefix learned only over an interface of another fabric.
  '10.88.0.9/32': [{ prefix: '10.88.0.9/32', protocol: 'openfabric', installed: true, nexthops: [hop('10.88.0.9', 'b1')] }],
};
const OSPF_ROUTES = {
  // The node's own address: OSPF knows it, zebra keeps the connected route (not installed).
  '10.77.0.1/32': [{ prefix: '10.77.0.1/32', protocol: 'ospf', metric: 10, nexthops: [{ flags: 9, ip: '0.0.0.0', interfaceName: 'dummy_f', active: true }] }],
  '10.77.0.2/32': [{ prefix: '10.77.0.2/32', protocol: 'ospf', metric: 20, installed: true, nexthops: [hop('10.77.0.2', 'a1'), { interfaceName: 'a3' }, { unreachable: true }] }],
};
const OPENFABRIC_NEIGHBORS = {
  areas: [
    {
      area: 'f',
      circuits: [
        { circuit: 0 },
        {
          circuit: 0,
          adj: 'fbp2',
          interface: { name: 'a1', state: 'Up', 'adj-flaps': 1, 'last-ago': '10s', 'circuit-type': 'L2', speaks: 'IPv4', 'ipv4-address': { ipv4: '10.77.0.2' } },
          level: 2,
          'expires-in': '9s',
        },
      ],
    },
    { area: 'other', circuits: [{ circuit: 0, adj: 'x', interface: { name: 'b1', state: 'Up', 'last-ago': '1s' } }] },
  ],
};
const OPENFABRIC_INTERFACES = {
  areas: [
    {
      area: 'f',
      circuits: [
        { circuit: 0, interface: { name: 'dummy_f', 'circuit-id': '0x0', state: 'Up', type: 'p2p', level: 'L2' } },
        { circuit: 0, interface: { name: 'a1', 'circuit-id': '0x0', state: 'Up', type: 'p2p', level: 'L2' } },
      ],
    },
  ],
};
const OSPF_NEIGHBORS = {
  neighbors: {
    '10.77.0.2': [{ priority: 1, state: 'Full/-', nbrState: 'Full/-', converged: 'Full', upTime: '5.499s', address: '10.77.0.2', ifaceAddress: '10.77.0.2', ifaceName: 'a1:10.77.0.1' }],
    '10.99.0.1': [{ nbrState: 'Full/-', upTime: '1m', ifaceAddress: '10.99.0.1', ifaceName: 'eth9:10.99.0.2' }],
  },
};
const OSPF_INTERFACES = {
  interfaces: {
    a1: { ifUp: true, ifIndex: 2, ospfEnabled: true, area: '0.0.0.0', networkType: 'POINTOPOINT', state: 'Point-To-Point' },
    dummy_f: { ifUp: true, ospfEnabled: true, networkType: 'BROADCAST', timerPassiveIface: true },
    a3: { ifUp: false, networkType: 'POINTOPOINT' },
    eth9: { ifUp: true, networkType: 'BROADCAST' },
  },
};

describe('fabric status from FRR JSON', () => {
  const ifaces = fabricInterfaceSet('f', ['a1', 'a3']);

  it("keeps the routes leaving through the fabric's interfaces, installed ones only, with every next hop", () => {
    expect(fabricRoutes(OPENFABRIC_ROUTES, ifaces)).toEqual([{ route: '10.77.0.2/32', via: ['10.77.0.2'] }]);
    expect(fabricRoutes(OSPF_ROUTES, ifaces)).toEqual([{ route: '10.77.0.2/32', via: ['10.77.0.2', 'a3', 'unreachable'] }]);
    expect(fabricRoutes({}, ifaces)).toEqual([]);
  });

  it("OpenFabric neighbors and interfaces: the circuits of the fabric's area", () => {
    expect(openfabricNeighbors(OPENFABRIC_NEIGHBORS, 'f')).toEqual([{ neighbor: 'fbp2', status: 'Up', uptime: '10s' }]);
    expect(openfabricInterfaces(OPENFABRIC_INTERFACES, 'f')).toEqual([
      { name: 'dummy_f', type: 'p2p', state: 'Up' },
      { name: 'a1', type: 'p2p', state: 'Up' },
    ]);
    expect(openfabricNeighbors(OPENFABRIC_NEIGHBORS, 'g')).toEqual([]);
  });

  it('OSPF neighbors and interfaces: those on the fabric interfaces and dummy_<fabric>', () => {
    expect(ospfNeighbors(OSPF_NEIGHBORS, ifaces)).toEqual([{ neighbor: '10.77.0.2', status: 'Full/-', uptime: '5.499s' }]);
    expect(ospfInterfaces(OSPF_INTERFACES, ifaces)).toEqual([
      { name: 'a1', type: 'POINTOPOINT', state: 'up' },
      { name: 'dummy_f', type: 'BROADCAST', state: 'up' },
      { name: 'a3', type: 'POINTOPOINT', state: 'down' },
    ]);
  });
});

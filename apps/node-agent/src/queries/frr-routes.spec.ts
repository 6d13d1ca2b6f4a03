import { macVrfRoutes, vrfRoutes } from './frr-routes';

describe('FRR JSON of the node queries', () => {
  it('ip-vrf: installed routes only, next hops by address or interface, each once', () => {
    const json = {
      '0.0.0.0/0': [
        { prefix: '0.0.0.0/0', protocol: 'bgp', metric: 0, installed: true, nexthops: [{ ip: '192.168.0.2', interfaceName: 'vrfbr_z1' }, { ip: '192.168.0.3' }, { ip: '192.168.0.2' }] },
        { prefix: '0.0.0.0/0', protocol: 'kernel', metric: 20, nexthops: [{ ip: '10.0.0.1' }] },
      ],
      '10.0.0.0/24': [{ prefix: '10.0.0.0/24', protocol: 'connected', metric: 0, installed: true, nexthops: [{ directlyConnected: true, interfaceName: 'vnet1' }] }],
    };
    expect(vrfRoutes(json)).toEqual([
      { ip: '0.0.0.0/0', metric: 0, protocol: 'bgp', nexthops: ['192.168.0.2', '192.168.0.3'] },
      { ip: '10.0.0.0/24', metric: 0, protocol: 'connected', nexthops: ['vnet1'] },
    ]);
    expect(vrfRoutes({})).toEqual([]);
    expect(vrfRoutes('garbage')).toEqual([]);
  });

  it('mac-vrf: best paths of type-2 routes, with or without an IP, in both path layouts and bestpath spellings', () => {
    const json = {
      '[2]:[0]:[48]:[52:54:00:00:00:01]': {
        prefix: '[2]:[0]:[48]:[52:54:00:00:00:01]',
        paths: [[{ valid: true, bestpath: true, mac: '52:54:00:00:00:01', nexthops: [{ ip: '192.168.0.1', afi: 'ipv4', used: true }] }]],
      },
      '[2]:[0]:[48]:[52:54:00:00:00:02]:[32]:[10.0.0.2]': {
        paths: [
          { valid: true, bestpath: { overall: true, selectionReason: 'First path received' }, mac: '52:54:00:00:00:02', ip: '10.0.0.2', nexthops: [{ ip: '192.168.0.2' }] },
          { valid: true, mac: '52:54:00:00:00:02', ip: '10.0.0.2', nexthops: [{ ip: '192.168.0.3' }] },
        ],
      },
      numPrefix: 2,
      numPaths: 3,
    };
    expect(macVrfRoutes(json)).toEqual([
      { mac: '52:54:00:00:00:01', nexthop: '192.168.0.1' },
      { mac: '52:54:00:00:00:02', ip: '10.0.0.2', nexthop: '192.168.0.2' },
    ]);
    expect(macVrfRoutes({ numPrefix: 0 })).toEqual([]);
  });
});

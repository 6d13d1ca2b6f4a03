import { fabricDaemons, setDaemonLines } from './daemons';

const DEBIAN = ['# comment fabricd=yes', 'bgpd=no', 'ospfd=no', 'ospf6d=no', 'fabricd=no', 'vrrpd=no', '', 'vtysh_enable=yes', 'ospfd_options="  -A 127.0.0.1"', ''].join('\n');

describe('FRR daemons SDN manages', () => {
  it('switches only the fabricd/ospfd lines and keeps every other byte', () => {
    const r = setDaemonLines(DEBIAN, { fabricd: true, ospfd: false });
    expect(r.changed).toBe(true);
    expect(r.text).toBe(DEBIAN.replace('\nfabricd=no', '\nfabricd=yes'));
    expect(setDaemonLines(r.text, { fabricd: true, ospfd: false })).toEqual({ text: r.text, changed: false });
  });

  it('rewrites a managed line of another spelling (fabricd=1) and calls it a change only when the line differs', () => {
    expect(setDaemonLines('fabricd=1\nospfd=no\n', { fabricd: true, ospfd: false })).toEqual({ text: 'fabricd=yes\nospfd=no\n', changed: true });
    expect(setDaemonLines('zebra=yes\n', { fabricd: true, ospfd: true })).toEqual({ text: 'zebra=yes\n', changed: false });
  });

  it('turns on the daemon of each protocol the node has a fabric of, and nothing for other nodes', () => {
    const config = {
      fabrics: {
        ids: {
          a: { type: 'openfabric_fabric', ip_prefix: '10.0.0.0/24' },
          a_n1: { type: 'openfabric_node', ip: '10.0.0.1' },
          b: { type: 'ospf_fabric', area: '0', ip_prefix: '10.1.0.0/24' },
          b_n1: { type: 'ospf_node', ip: '10.1.0.1' },
          b_n2: { type: 'ospf_node', ip: '10.1.0.2' },
        },
      },
    };
    expect(fabricDaemons(config, 'n1')).toEqual({ fabricd: true, ospfd: true });
    expect(fabricDaemons(config, 'n2')).toEqual({ fabricd: false, ospfd: true });
    expect(fabricDaemons(config, 'n3')).toEqual({ fabricd: false, ospfd: false });
    expect(fabricDaemons({}, 'n1')).toEqual({ fabricd: false, ospfd: false });
  });
});

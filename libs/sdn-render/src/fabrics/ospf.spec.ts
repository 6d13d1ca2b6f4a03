import { renderFrr } from '../frr/render-frr';
import { frrFacts } from '../frr/test-fixtures';

describe('OSPF FRR (rendering.md §2.6)', () => {
  const fabrics = {
    o1: { type: 'ospf_fabric', id: 'o1', area: '0', ip_prefix: '10.5.0.0/24' },
    o1_localhost: { type: 'ospf_node', id: 'o1_localhost', ip: '10.5.0.1', interfaces: ['name=ens19,ip=172.16.3.10/31', 'name=ens20'] },
  };
  const conf = renderFrr({ version: 1, fabrics: { ids: fabrics } } as never, frrFacts())!;

  it('router-id is the node IP; unnumbered interfaces are point-to-point', () => {
    expect(conf).toContain(
      '!\nrouter ospf\n ospf router-id 10.5.0.1\nexit\n!\ninterface dummy_o1\n ip ospf area 0\n ip ospf passive\nexit\n!\ninterface ens19\n ip ospf area 0\nexit\n!\ninterface ens20\n ip ospf area 0\n ip ospf network point-to-point\nexit\n',
    );
    expect(conf).toContain('!\nroute-map pve_ospf permit 100\n match ip address pve_ospf_o1_ips\n set src 10.5.0.1\nexit\n!\nip protocol ospf route-map pve_ospf\n');
  });

  it('fabric route maps keep 100 while a local snippet map is renumbered before them', () => {
    const out = renderFrr({ version: 1, fabrics: { ids: fabrics } } as never, frrFacts({ frrLocal: 'route-map pve_ospf permit 5\n set metric 1\nexit\n' }))!;
    expect(out).toContain('route-map pve_ospf permit 1\n set metric 1\nexit\n!\n');
    expect(out).toContain('route-map pve_ospf permit 100\n');
  });
});

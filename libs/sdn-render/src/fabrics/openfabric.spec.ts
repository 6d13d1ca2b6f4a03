import { renderFrr } from '../frr/render-frr';
import { frrFacts } from '../frr/test-fixtures';
import { openfabricNet } from './openfabric';

const fabrics = {
  f1: { type: 'openfabric_fabric', id: 'f1', ip_prefix: '10.1.0.0/24', hello_interval: 3, csnp_interval: 5 },
  f1_localhost: { type: 'openfabric_node', id: 'f1_localhost', ip: '10.1.0.1', interfaces: ['name=ens20,hello_multiplier=4', 'name=ens21,ip=10.9.0.1/31'] },
  f1_other: { type: 'openfabric_node', id: 'f1_other', ip: '10.1.0.2', interfaces: ['name=ens20'] },
  f2: { type: 'openfabric_fabric', id: 'f2', ip_prefix: '10.2.0.0/24' },
  f2_localhost: { type: 'openfabric_node', id: 'f2_localhost', ip: '10.2.0.7', interfaces: ['name=ens22'] },
  f3: { type: 'openfabric_fabric', id: 'f3', ip_prefix: '10.3.0.0/24' },
  f3_other: { type: 'openfabric_node', id: 'f3_other', ip: '10.3.0.2', interfaces: ['name=ens23'] },
};

describe('OpenFabric FRR (rendering.md §2.6)', () => {
  it('derives the NET from the four zero-padded octets', () => {
    expect(openfabricNet('172.20.3.1')).toBe('49.0001.1720.2000.3001.00');
    expect(openfabricNet('1.2.3.4')).toBe('49.0001.0010.0200.3004.00');
  });

  const conf = renderFrr({ version: 1, fabrics: { ids: fabrics } } as never, frrFacts())!;

  it('renders only fabrics with a node entry for this node, NETs from the first fabric', () => {
    expect(conf).toContain('!\nrouter openfabric f1\n net 49.0001.0100.0100.0001.00\nexit\n!\nrouter openfabric f2\n net 49.0001.0100.0100.0001.00\nexit\n');
    expect(conf).not.toContain('f3');
  });

  it('interfaces carry the fabric timers, the dummy is passive', () => {
    expect(conf).toContain('!\ninterface dummy_f1\n ip router openfabric f1\n openfabric passive\nexit\n');
    expect(conf).toContain('!\ninterface ens20\n ip router openfabric f1\n openfabric hello-interval 3\n openfabric hello-multiplier 4\n openfabric csnp-interval 5\nexit\n');
  });

  it('route-map entries count from 100 in steps of 10, one access list per fabric', () => {
    expect(conf).toContain(
      '!\naccess-list pve_openfabric_f1_ips permit 10.1.0.0/24\n!\naccess-list pve_openfabric_f2_ips permit 10.2.0.0/24\n!\nroute-map pve_openfabric permit 100\n match ip address pve_openfabric_f1_ips\n set src 10.1.0.1\nexit\n!\nroute-map pve_openfabric permit 110\n match ip address pve_openfabric_f2_ips\n set src 10.2.0.7\nexit\n!\nip protocol openfabric route-map pve_openfabric\n',
    );
  });
});

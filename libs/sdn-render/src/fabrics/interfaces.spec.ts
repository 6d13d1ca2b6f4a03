import { frrFacts } from '../frr/test-fixtures';
import { renderFabricInterfaces } from './interfaces';

describe('fabric interfaces (rendering.md §1.10)', () => {
  it('dummy first, then member interfaces in configured order; unnumbered ones borrow the node address', () => {
    const config = {
      fabrics: {
        ids: {
          f: { type: 'openfabric_fabric', id: 'f' },
          f_localhost: { type: 'openfabric_node', id: 'f_localhost', ip: '10.0.0.1', ip6: 'fd00::1', interfaces: ['name=ens21', 'name=ens20,ip=10.9.0.1/31'] },
        },
      },
    };
    expect(renderFabricInterfaces(config as never, frrFacts())).toBe(
      [
        '',
        'auto dummy_f',
        'iface dummy_f inet static',
        '\taddress 10.0.0.1/32',
        '\tlink-type dummy',
        '\tip-forward 1',
        '',
        'auto dummy_f',
        'iface dummy_f inet6 static',
        '\taddress fd00::1/128',
        '\tlink-type dummy',
        '\tip-forward 1',
        '',
        'auto ens21',
        'iface ens21 inet static',
        '\taddress 10.0.0.1/32',
        '\tip-forward 1',
        '',
        'auto ens21',
        'iface ens21 inet6 static',
        '\taddress fd00::1/128',
        '\tip-forward 1',
        '',
        'auto ens20',
        'iface ens20 inet static',
        '\taddress 10.9.0.1/31',
        '\tip-forward 1',
        '',
      ].join('\n'),
    );
  });

  it('nothing for a node without a fabric entry', () => {
    const config = { fabrics: { ids: { f: { type: 'ospf_fabric', id: 'f' }, f_other: { type: 'ospf_node', id: 'f_other', ip: '10.0.0.2' } } } };
    expect(renderFabricInterfaces(config as never, frrFacts())).toBe('');
  });
});

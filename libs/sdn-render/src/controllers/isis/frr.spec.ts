import { renderFrr } from '../../frr/render-frr';
import { frrFacts } from '../../frr/test-fixtures';

const isis = { type: 'isis', node: 'localhost', 'isis-domain': 'dom', 'isis-ifaces': 'eth1,eth0', 'isis-net': '49.0001.1720.2000.3001.00' };

describe('isis controller FRR (rendering.md §2.4)', () => {
  it('renders the router and the interfaces sorted by name', () => {
    const conf = renderFrr({ controllers: { ids: { i: isis } } }, frrFacts())!;
    expect(conf).toContain(
      '!\nrouter isis dom\n net 49.0001.1720.2000.3001.00\n redistribute ipv4 connected level-1\n redistribute ipv6 connected level-1\n log-adjacency-changes\nexit\n!\ninterface eth0\n ip router isis dom\nexit\n!\ninterface eth1\n',
    );
  });

  it.each(['isis-domain', 'isis-ifaces', 'isis-net'])('needs %s', (key) => {
    const conf = renderFrr({ controllers: { ids: { i: { ...isis, [key]: '' } } } }, frrFacts())!;
    expect(conf).not.toContain('isis');
  });
});

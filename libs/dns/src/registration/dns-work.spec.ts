import type { IpEventV1 } from '@sdn/contracts';
import { configGap, planDnsWork, type DnsRunningConfig } from './dns-work';

const pdns = { type: 'powerdns', url: 'http://127.0.0.1:8081/api/v1/servers/localhost', key: 'k' };
const running: DnsRunningConfig = {
  zones: {
    ids: {
      z1: { type: 'simple', dns: 'pdns', reversedns: 'pdns', dnszone: 'example.test', ipam: 'pve' },
      fwdonly: { type: 'simple', dns: 'pdns', dnszone: 'example.test' },
      nodns: { type: 'simple', ipam: 'pve' },
    },
  },
  subnets: {
    ids: {
      'z1-10.0.3.0-24': { type: 'subnet', vnet: 'v1', dnszoneprefix: 'lab' },
      'z1-2001:db8::-64': { type: 'subnet', vnet: 'v1' },
      'z1-2001:db8:1::-62': { type: 'subnet', vnet: 'v2' },
      'fwdonly-10.9.0.0-24': { type: 'subnet', vnet: 'v9' },
    },
  },
  dns: { ids: { pdns } },
};
const ev = (o: Partial<IpEventV1>): IpEventV1 => ({ zone: 'z1', vnet: 'v1', subnet: 'z1-10.0.3.0-24', ip: '10.0.3.100', hostname: 'vm1', ...o });

describe('planDnsWork', () => {
  it('forward name carries the subnet dnszoneprefix; PTR targets the full name in the reverse zone', () => {
    expect(planDnsWork(running, ev({}))).toEqual({
      work: {
        ip: '10.0.3.100',
        hostname: 'vm1.lab',
        forward: { serverId: 'pdns', server: pdns, zone: 'example.test', fqdn: 'vm1.lab.example.test.' },
        reverse: { serverId: 'pdns', server: pdns, zone: '10.in-addr.arpa.', ptrTarget: 'vm1.lab.example.test' },
      },
    });
  });

  it('finds the subnet from a CIDR or from the vnet when the event does not name the stored id', () => {
    const byCidr = planDnsWork(running, ev({ subnet: '2001:db8::/64', ip: '2001:db8:0::7' }));
    expect(byCidr).toMatchObject({ work: { ip: '2001:db8::7', reverse: { zone: '0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.' } } });
    const byVnet = planDnsWork(running, ev({ subnet: 'unknown', ip: '10.0.3.5' }));
    expect(byVnet).toMatchObject({ work: { hostname: 'vm1.lab' } });
  });

  it('skips zones without dns and unknown zones, and has no PTR without reversedns', () => {
    expect(planDnsWork(running, ev({ zone: 'nodns' }))).toEqual({ skip: 'zone nodns has no dns' });
    expect(planDnsWork(running, ev({ zone: 'gone' }))).toEqual({ skip: 'zone gone is not in the running config' });
    const fwd = planDnsWork(running, ev({ zone: 'fwdonly', vnet: 'v9', subnet: 'fwdonly-10.9.0.0-24', ip: '10.9.0.4' }));
    expect(fwd).toMatchObject({ work: { forward: { fqdn: 'vm1.example.test.' } } });
    expect((fwd as { work: { reverse?: unknown } }).work.reverse).toBeUndefined();
  });

  it('without hostname keeps the targets (for deletion) but no names to add', () => {
    const p = planDnsWork(running, ev({ hostname: undefined })) as { work: { forward: { fqdn?: string }; reverse: { ptrTarget?: string } } };
    expect(p.work.forward.fqdn).toBeUndefined();
    expect(p.work.reverse.ptrTarget).toBeUndefined();
  });

  it('surfaces the reference errors: IPv6 mask not nibble aligned, dangling dns server id', () => {
    expect(() => planDnsWork(running, ev({ vnet: 'v2', subnet: 'z1-2001:db8:1::-62', ip: '2001:db8:1::1' }))).toThrow('reverse dns zone mask need to be a multiple of 4');
    const broken = { ...running, dns: { ids: {} } };
    expect(() => planDnsWork(broken, ev({}))).toThrow("dns server 'pdns' does not exist in the running config");
  });

  it('configGap names the zone or subnet of an event the running config lacks', () => {
    expect(configGap(running, ev({ hostname: 'v1-gw', gateway: true }))).toBeUndefined();
    expect(configGap(running, ev({ subnet: '10.0.3.0/24' }))).toBeUndefined();
    expect(configGap(running, ev({ zone: 'pending' }))).toBe('zone pending is not in the running config');
    expect(configGap(running, ev({ subnet: '10.7.0.0/24', ip: '10.7.0.1' }))).toBe('subnet 10.7.0.0/24 of ip 10.7.0.1 is not in the running config');
  });
});

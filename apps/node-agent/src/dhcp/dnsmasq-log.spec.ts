import { leaseReportOf } from './dnsmasq-log';

describe('leaseReportOf (dnsmasq log lines)', () => {
  it('an ignored DISCOVER (unknown MAC) is a discover, with or without a requested address and xid', () => {
    expect(leaseReportOf('dnsmasq-dhcp[812]: DHCPDISCOVER(dvnet) BC:24:11:DD:00:99 ignored')).toEqual({ op: 'discover', vnet: 'dvnet', mac: 'bc:24:11:dd:00:99' });
    expect(leaseReportOf('dnsmasq-dhcp[812]: 1960483346 DHCPDISCOVER(dvnet) 10.50.0.7 bc:24:11:dd:00:99 ignored')).toEqual({ op: 'discover', vnet: 'dvnet', mac: 'bc:24:11:dd:00:99' });
  });

  it('an ACK is bound, with the client host name when it sent one; a RELEASE is released', () => {
    expect(leaseReportOf('dnsmasq-dhcp[812]: DHCPACK(dvnet) 10.50.0.100 bc:24:11:dd:00:99 vm-one')).toEqual({ op: 'bound', vnet: 'dvnet', ip: '10.50.0.100', mac: 'bc:24:11:dd:00:99', hostname: 'vm-one' });
    expect(leaseReportOf('dnsmasq-dhcp[812]: DHCPACK(dvnet) 10.50.0.100 bc:24:11:dd:00:99')).toEqual({ op: 'bound', vnet: 'dvnet', ip: '10.50.0.100', mac: 'bc:24:11:dd:00:99' });
    expect(leaseReportOf('dnsmasq-dhcp[812]: DHCPRELEASE(dvnet) 10.50.0.100 bc:24:11:dd:00:99')).toEqual({ op: 'released', vnet: 'dvnet', ip: '10.50.0.100', mac: 'bc:24:11:dd:00:99' });
  });

  it('other lines are no lease event: an answered DISCOVER, OFFER, REQUEST, a NAK, start-up lines', () => {
    for (const line of [
      'dnsmasq-dhcp[812]: DHCPDISCOVER(dvnet) bc:24:11:dd:00:01',
      'dnsmasq-dhcp[812]: DHCPOFFER(dvnet) 10.50.0.42 bc:24:11:dd:00:01',
      'dnsmasq-dhcp[812]: DHCPREQUEST(dvnet) 10.50.0.42 bc:24:11:dd:00:01',
      'dnsmasq-dhcp[812]: DHCPNAK(dvnet) 10.50.0.42 bc:24:11:dd:00:01 address not available',
      'dnsmasq-dhcp[812]: DHCP, static leases only on 10.50.0.0, lease time infinite',
      'dnsmasq[812]: started, version 2.90 DNS disabled',
    ])
      expect(leaseReportOf(line)).toBeUndefined();
  });
});

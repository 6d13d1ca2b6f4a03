import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DhcpServers } from './dhcp-servers';
import { zonesOfFiles } from './dnsmasq-files';
import { reservationsOf, type IpamAddress } from './reservations';

describe('reservations from the IPAM', () => {
  it('one IPv4 and one IPv6 per MAC, lower case; gateways and MAC-less addresses are none', () => {
    expect(
      reservationsOf([
        { ip: '10.0.0.1', gateway: true },
        { ip: '10.0.0.5', mac: 'BC:24:11:00:00:01' },
        { ip: 'fd00::5', mac: 'bc:24:11:00:00:01' },
        { ip: '10.0.0.6', mac: 'bc:24:11:00:00:01' },
        { ip: '10.0.0.7' },
        { ip: '10.0.0.8', mac: 'bc:24:11:00:00:02' },
      ]),
    ).toEqual([
      { mac: 'bc:24:11:00:00:01', ip4: '10.0.0.5', ip6: 'fd00::5' },
      { mac: 'bc:24:11:00:00:02', ip4: '10.0.0.8' },
    ]);
  });
});

describe('bundle dnsmasq paths', () => {
  it('accepts the reference layout only', () => {
    expect(zonesOfFiles({ 'z1/00-default.conf': '', 'z1/10-vnet1.conf': '', 'z2/00-default.conf': '' })).toEqual(['z1', 'z2']);
    for (const bad of ['../x/00-default.conf', '/etc/passwd', 'z1/ethers', 'z1/10-../../x.conf', 'z1/sub/00-default.conf'])
      expect(() => zonesOfFiles({ [bad]: '' })).toThrow(/outside the \/etc\/dnsmasq.d\/<zone>\/ layout/);
  });
});

describe('DhcpServers (safe mode: files only)', () => {
  let root: string;
  let ips: Record<string, IpamAddress[]>;
  let servers: DhcpServers;
  /** The IP-event subscriptions DhcpServers holds (the agent's are NATS subscriptions). */
  let watchers: Set<(zone: string) => void>;
  const logs: string[] = [];
  const dir = (zone: string) => join(root, 'etc/dnsmasq.d', zone);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'dhcp-'));
    ips = { z1: [{ ip: '10.0.0.5', mac: 'bc:24:11:00:00:01' }], z2: [] };
    watchers = new Set();
    servers = new DhcpServers({
      root,
      live: false,
      stateDir: join(root, 'var/lib/sdn-agent'),
      listZone: async (zone) => {
        if (!(zone in ips)) throw new Error('no such zone');
        return ips[zone];
      },
      watchIpEvents: (changed) => {
        watchers.add(changed);
        return () => watchers.delete(changed);
      },
      log: (m) => logs.push(m),
    });
  });
  afterEach(async () => {
    await servers.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('writes the files and the ethers from the IPAM, drops stale vnet files and unserved zones', async () => {
    expect(watchers.size).toBe(0);
    await servers.apply({ 'z1/00-default.conf': 'a\n', 'z1/10-v1.conf': 'interface=v1\n', 'z1/10-v2.conf': 'interface=v2\n', 'z2/00-default.conf': 'b\n' });
    expect(readdirSync(dir('z1')).sort()).toEqual(['00-default.conf', '10-v1.conf', '10-v2.conf', 'ethers']);
    expect(readFileSync(join(dir('z1'), 'ethers'), 'utf8')).toBe('bc:24:11:00:00:01,10.0.0.5\n');
    expect(readFileSync(join(dir('z2'), 'ethers'), 'utf8')).toBe('');

    await servers.apply({ 'z1/00-default.conf': 'a\n', 'z1/10-v1.conf': 'interface=v1\n' });
    expect(readdirSync(dir('z1')).sort()).toEqual(['00-default.conf', '10-v1.conf', 'ethers']);
    expect(existsSync(dir('z2'))).toBe(false);
    expect(servers.served).toEqual(['z1']);
    expect(watchers.size).toBe(1);

    await servers.apply(undefined);
    expect(existsSync(dir('z1'))).toBe(false);
    expect(servers.served).toEqual([]);
    // A node that serves no DHCP zone receives no IP events.
    expect(watchers.size).toBe(0);
  });

  it('follows IP events of served zones only, and keeps the last entries when the IPAM does not answer', async () => {
    await servers.apply({ 'z1/00-default.conf': 'a\n' });
    ips.z1 = [...ips.z1, { ip: '10.0.0.9', mac: 'bc:24:11:00:00:03' }];
    expect(watchers.size).toBe(1);
    for (const changed of watchers) {
      changed('z1');
      changed('other');
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(readFileSync(join(dir('z1'), 'ethers'), 'utf8')).toBe('bc:24:11:00:00:01,10.0.0.5\nbc:24:11:00:00:03,10.0.0.9\n');

    delete (ips as Record<string, unknown>).z1;
    await servers.syncAll();
    expect(readFileSync(join(dir('z1'), 'ethers'), 'utf8')).toBe('bc:24:11:00:00:01,10.0.0.5\nbc:24:11:00:00:03,10.0.0.9\n');
    expect(logs.some((l) => /DHCP zone z1: static entries not updated, the IPAM did not answer/.test(l))).toBe(true);
  });

  it('serves the zones of its last apply again after a restart', async () => {
    await servers.apply({ 'z1/00-default.conf': 'a\n' });
    ips.z1 = [];
    writeFileSync(join(dir('z1'), 'ethers'), 'stale\n');
    const again = new DhcpServers({ root, live: false, stateDir: join(root, 'var/lib/sdn-agent'), listZone: async () => [], watchIpEvents: () => () => undefined, log: () => undefined });
    await again.start();
    expect(again.served).toEqual(['z1']);
    expect(readFileSync(join(dir('z1'), 'ethers'), 'utf8')).toBe('');
    await again.stop();
  });

  it('refuses a zone with DHCP in live mode without dnsmasq, with the reference\'s words', async () => {
    const live = new DhcpServers({ root, live: true, stateDir: join(root, 'state'), listZone: async () => [], watchIpEvents: () => () => undefined, log: () => undefined, dnsmasq: join(root, 'no-dnsmasq') });
    await expect(live.apply({ 'z1/00-default.conf': 'a\n' })).rejects.toThrow(/cannot reload with missing 'dnsmasq' package/);
    await expect(live.apply(undefined)).resolves.toBeUndefined();
  });
});

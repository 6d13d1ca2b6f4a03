import { isolatedBus, publishContract, silentLogger, type IsolatedBus } from '@sdn/bus';
import { CONTRACTS, type ConfigAppliedV1, type IpEventV1 } from '@sdn/contracts';
import { reverseZone, type PluginFor } from '@sdn/dns';
import { generateSecretKey, SecretBox } from '@sdn/secrets';
import { nodeHttpFetch } from './plugins/node-http-fetch';
import { PluginRegistry } from './plugins/plugin-registry';
import { startDnsService, type DnsService } from './dns-service';
import { bindAll, envelope, PdnsFixture, pdnsSkipReason, waitFor } from './testing/pdns-fixture';

/**
 * The DNS service against a real PowerDNS (tools/pdns/start.sh) and the real
 * NATS JetStream (isolated namespace): IP events go in as the IPAM service
 * publishes them, and DNS queries against PowerDNS prove the outcome.
 */
const skip = pdnsSkipReason();
if (skip) console.warn(`SKIP dns-service PowerDNS tests: ${skip}`);
const describePdns = skip ? describe.skip : describe;

const V6_SUBNET = '2001:db8:100::/64';
const REV6 = reverseZone(V6_SUBNET, '2001:db8:100::1');

describePdns('dns-service with a real PowerDNS', () => {
  jest.setTimeout(120_000);
  const secrets = SecretBox.fromText(generateSecretKey());
  const pdns = new PdnsFixture();
  let bus: IsolatedBus;
  let svc: DnsService;
  let crashed = false;
  /** What the plugins sent to PowerDNS. */
  const requests: Array<{ method: string; url: string; body?: string }> = [];
  let running: Record<string, any>;

  const ip = (type: 'IpAllocated' | 'IpUpdated' | 'IpReleased', p: Partial<IpEventV1> & { ip: string }) => {
    const payload: IpEventV1 = { zone: 'z1', vnet: 'v1', subnet: p.ip.includes(':') ? 'z1-2001:db8:100::-64' : 'z1-10.0.3.0-24', ...p };
    return publishContract(bus.js, bus.topology.eventSubject('ip', type), CONTRACTS.event, envelope(type, 'ip', `z1/${p.ip}`, payload));
  };

  beforeAll(async () => {
    await pdns.start({ reset: true });
    for (const z of ['sdn.test', '10.in-addr.arpa.', REV6]) await pdns.createZone(z);
    bus = await isolatedBus({ name: 'dns-service-test', log: silentLogger });
    running = {
      version: 1,
      zones: { ids: { z1: { type: 'simple', ipam: 'pve', dns: 'pdns', reversedns: 'pdns', dnszone: 'sdn.test' } } },
      vnets: { ids: { v1: { type: 'vnet', zone: 'z1' } } },
      subnets: { ids: { 'z1-10.0.3.0-24': { type: 'subnet', vnet: 'v1', dnszoneprefix: 'lab' }, 'z1-2001:db8:100::-64': { type: 'subnet', vnet: 'v1' } } },
      // Sealed, as the API stores it: only the plugin registry opens it.
      dns: { ids: { pdns: { type: 'powerdns', url: pdns.apiUrl, key: secrets.seal(pdns.key), ttl: 60 } } },
    };
    const applied: ConfigAppliedV1 = { version: 1, running };
    await publishContract(bus.js, bus.topology.eventSubject('config', 'ConfigApplied'), CONTRACTS.event, envelope('ConfigApplied', 'config', 'running', applied));
    // The real plugins, except that the first PTR write for 10.0.3.40 "crashes" after PowerDNS
    // accepted it, before the ack: the event comes back and must change nothing.
    const registry = new PluginRegistry({
      secrets,
      fetch: async (url, init) => {
        requests.push({ method: init.method, url, body: init.body });
        return nodeHttpFetch(url, init);
      },
    });
    const pluginFor: PluginFor = (id, server) => {
      const real = registry.pluginFor(id, server);
      return {
        ...bindAll(real),
        addPtrRecord: async (zone, host, addr) => {
          await real.addPtrRecord(zone, host, addr);
          if (addr === '10.0.3.40' && !crashed) {
            crashed = true;
            throw new Error('simulated crash after PowerDNS accepted the change');
          }
        },
      };
    };
    svc = await startDnsService(bus, { durable: 'dns-test', log: silentLogger, retryDelayMs: () => 200, pluginFor });
  });

  afterAll(async () => {
    await svc?.stop();
    await bus?.destroy();
    await pdns.destroy();
  });

  it('publishes A (with dnszoneprefix), AAAA and PTR records, and removes them on release', async () => {
    await ip('IpAllocated', { ip: '10.0.3.10', hostname: 'vm1', mac: 'BC:24:11:00:00:01', vmid: 100 });
    await ip('IpAllocated', { ip: '2001:db8:100::10', hostname: 'vm1', mac: 'BC:24:11:00:00:01', vmid: 100 });

    expect(await waitFor(async () => (await pdns.query('A', 'vm1.lab.sdn.test')).join() === '10.0.3.10', 10_000)).toBe(true);
    expect(await waitFor(async () => (await pdns.query('AAAA', 'vm1.sdn.test')).join() === '2001:db8:100::10', 10_000)).toBe(true);
    expect(await waitFor(async () => (await pdns.query('PTR', '10.0.3.10')).join() === 'vm1.lab.sdn.test', 10_000)).toBe(true);
    expect(await waitFor(async () => (await pdns.query('PTR', '2001:db8:100::10')).join() === 'vm1.sdn.test', 10_000)).toBe(true);

    await ip('IpReleased', { ip: '10.0.3.10', hostname: 'vm1' });
    await ip('IpReleased', { ip: '2001:db8:100::10', hostname: 'vm1' });
    expect(await waitFor(async () => (await pdns.query('A', 'vm1.lab.sdn.test')).length === 0, 10_000)).toBe(true);
    expect(await waitFor(async () => (await pdns.query('AAAA', 'vm1.sdn.test')).length === 0, 10_000)).toBe(true);
    expect(await waitFor(async () => (await pdns.query('PTR', '10.0.3.10')).length === 0, 5_000)).toBe(true);
    expect(await waitFor(async () => (await pdns.query('PTR', '2001:db8:100::10')).length === 0, 5_000)).toBe(true);
  });

  it('keeps several addresses of one name in one rrset, and a repeated event changes nothing', async () => {
    await ip('IpAllocated', { ip: '10.0.3.21', hostname: 'multi' });
    await ip('IpAllocated', { ip: '10.0.3.22', hostname: 'multi' });
    await ip('IpAllocated', { ip: '10.0.3.21', hostname: 'multi' }); // redelivery / duplicate publish
    expect(await waitFor(async () => (await pdns.query('A', 'multi.lab.sdn.test')).join() === '10.0.3.21,10.0.3.22', 10_000)).toBe(true);
    expect(await waitFor(() => svc.consumer.stats.applied >= 7, 10_000)).toBe(true);
    expect(await pdns.rrsetContents('sdn.test', 'multi.lab.sdn.test.', 'A')).toEqual(['10.0.3.21', '10.0.3.22']);

    await ip('IpReleased', { ip: '10.0.3.21', hostname: 'multi' });
    expect(await waitFor(async () => (await pdns.query('A', 'multi.lab.sdn.test')).join() === '10.0.3.22', 10_000)).toBe(true);
    expect(await waitFor(async () => (await pdns.query('PTR', '10.0.3.21')).length === 0, 5_000)).toBe(true);
    expect(await pdns.query('PTR', '10.0.3.22')).toEqual(['multi.lab.sdn.test']);
  });

  it('an event redelivered after PowerDNS accepted it (crash before ack) changes nothing', async () => {
    const retriedBefore = svc.consumer.stats.retried;
    await ip('IpAllocated', { ip: '10.0.3.40', hostname: 'crashy' });
    expect(await waitFor(() => crashed && svc.consumer.stats.retried > retriedBefore, 10_000)).toBe(true);
    // Applied on the redelivery, and acked: nothing pending.
    expect(
      await waitFor(async () => {
        const i = await bus.jsm.consumers.info(bus.topology.streams.events.name, 'dns-test');
        return i.num_ack_pending === 0 && i.num_pending === 0;
      }, 10_000),
    ).toBe(true);
    expect(await pdns.rrsetContents('sdn.test', 'crashy.lab.sdn.test.', 'A')).toEqual(['10.0.3.40']);
    expect(await pdns.rrsetContents('10.in-addr.arpa.', '40.3.0.10.in-addr.arpa.', 'PTR')).toEqual(['crashy.lab.sdn.test.']);
    expect(await pdns.query('A', 'crashy.lab.sdn.test')).toEqual(['10.0.3.40']);
  });

  it('moves the records of an address on a hostname update', async () => {
    await ip('IpAllocated', { ip: '10.0.3.30', hostname: 'old' });
    expect(await waitFor(async () => (await pdns.query('A', 'old.lab.sdn.test')).length === 1, 10_000)).toBe(true);
    await ip('IpUpdated', { ip: '10.0.3.30', hostname: 'new' });
    expect(await waitFor(async () => (await pdns.query('A', 'new.lab.sdn.test')).join() === '10.0.3.30', 10_000)).toBe(true);
    expect(await pdns.query('A', 'old.lab.sdn.test')).toEqual([]);
    expect(await waitFor(async () => (await pdns.query('PTR', '10.0.3.30')).join() === 'new.lab.sdn.test', 5_000)).toBe(true);
  });

  it('a burst lands completely: lookups share zone listings, changes share PATCHes, names keep several addresses', async () => {
    const from = requests.length;
    const multi = Array.from({ length: 20 }, (_, i) => ({ hostname: `burst-m${i}`, ips: [`10.0.3.${130 + i}`, `10.0.3.${160 + i}`] }));
    const single = Array.from({ length: 40 }, (_, i) => ({ hostname: `burst-s${i}`, ip: `10.0.3.${190 + i}` }));
    await Promise.all([
      ...multi.flatMap((m) => m.ips.map((a) => ip('IpAllocated', { ip: a, hostname: m.hostname }))),
      ...single.map((h) => ip('IpAllocated', { ip: h.ip, hostname: h.hostname })),
    ]);
    const fqdn = (h: string) => `${h}.lab.sdn.test.`;
    const zoneOf = async () => {
      const r = await pdns.api('GET', '/zones/sdn.test');
      return new Map<string, string[]>((r.json.rrsets as Array<{ name: string; type: string; records: Array<{ content: string }> }>).filter((x) => x.type === 'A').map((x) => [x.name, x.records.map((c) => c.content).sort()]));
    };
    const ptrs = async () => {
      const r = await pdns.api('GET', '/zones/10.in-addr.arpa.');
      return new Map<string, string>((r.json.rrsets as Array<{ name: string; type: string; records: Array<{ content: string }> }>).filter((x) => x.type === 'PTR').map((x) => [x.name, x.records.map((c) => c.content).join()]));
    };
    const rev = (a: string) => `${a.split('.').reverse().join('.')}.in-addr.arpa.`;
    const complete = async () => {
      const [z, p] = await Promise.all([zoneOf(), ptrs()]);
      return (
        multi.every((m) => z.get(fqdn(m.hostname))?.join() === [...m.ips].sort().join() && m.ips.every((a) => p.get(rev(a)) === fqdn(m.hostname))) &&
        single.every((h) => z.get(fqdn(h.hostname))?.join() === h.ip && p.get(rev(h.ip)) === fqdn(h.hostname))
      );
    };
    expect(await waitFor(complete, 30_000, 100)).toBe(true);

    // Release one address of each multi-address name and every single one, again at once.
    await Promise.all([...multi.map((m) => ip('IpReleased', { ip: m.ips[0], hostname: m.hostname })), ...single.map((h) => ip('IpReleased', { ip: h.ip, hostname: h.hostname }))]);
    const released = async () => {
      const [z, p] = await Promise.all([zoneOf(), ptrs()]);
      return (
        multi.every((m) => z.get(fqdn(m.hostname))?.join() === m.ips[1] && !p.has(rev(m.ips[0])) && p.get(rev(m.ips[1])) === fqdn(m.hostname)) &&
        single.every((h) => !z.has(fqdn(h.hostname)) && !p.has(rev(h.ip)))
      );
    };
    expect(await waitFor(released, 30_000, 100)).toBe(true);

    const sent = requests.slice(from);
    const patches = sent.filter((r) => r.method === 'PATCH').map((r) => JSON.parse(r.body ?? '{}').rrsets as Array<{ name: string; type: string }>);
    // 140 events, an A/PTR change each: 280 rrset changes, merged into far fewer PATCHes, never one rrset twice in a PATCH.
    expect(patches.flat()).toHaveLength(280);
    expect(patches.length).toBeLessThan(140);
    for (const rrsets of patches) expect(new Set(rrsets.map((x) => `${x.name} ${x.type}`)).size).toBe(rrsets.length);
    // 140 forward lookups, some answered by listing the zone.
    const gets = sent.filter((r) => r.method === 'GET');
    expect(gets.some((r) => r.url.endsWith('/zones/sdn.test'))).toBe(true);
    expect(gets.length).toBeLessThan(140);
  });

  it('PowerDNS down during allocations: events are retried and every record is present after it is back', async () => {
    const hosts = Array.from({ length: 20 }, (_, i) => ({ ip: `10.0.3.${100 + i}`, hostname: `down${i}` }));
    const retriedBefore = svc.consumer.stats.retried;
    // The first half goes out while PowerDNS is up and is still in flight when it stops.
    await Promise.all(hosts.slice(0, 10).map((h) => ip('IpAllocated', h)));
    await pdns.stop();
    for (const h of hosts.slice(10)) await ip('IpAllocated', h);
    // Nothing can be applied while the server is down; the failures are retried, not dropped.
    expect(await waitFor(() => svc.consumer.stats.retried >= retriedBefore + 10, 10_000)).toBe(true);
    const info = await bus.jsm.consumers.info(bus.topology.streams.events.name, 'dns-test');
    expect(info.num_ack_pending + info.num_pending).toBeGreaterThanOrEqual(10);
    expect(await pdns.api('GET', '').catch((e) => String(e))).toMatch(/fetch failed|ECONNREFUSED/);

    await pdns.start();
    for (const h of hosts) {
      expect(await waitFor(async () => (await pdns.query('A', `${h.hostname}.lab.sdn.test`)).join() === h.ip, 20_000)).toBe(true);
      // The PTR is a second PATCH after the A record: wait for it too.
      expect(await waitFor(async () => (await pdns.query('PTR', h.ip)).join() === `${h.hostname}.lab.sdn.test`, 5_000)).toBe(true);
    }
    // Every event was acked: nothing left pending on the durable consumer.
    expect(
      await waitFor(async () => {
        const i = await bus.jsm.consumers.info(bus.topology.streams.events.name, 'dns-test');
        return i.num_ack_pending === 0 && i.num_pending === 0;
      }, 10_000),
    ).toBe(true);
  });

  it('a gateway registered before the apply of its zone gets A and PTR `<vnet>-gw.<dnszoneprefix>.<dnszone>` once the config is applied (§6.1)', async () => {
    const publishIp = (type: string, p: IpEventV1) => publishContract(bus.js, bus.topology.eventSubject('ip', type), CONTRACTS.event, envelope(type, 'ip', `${p.zone}/${p.ip}`, p));
    const before = { ...svc.consumer.stats };
    // As ipam-service writes it when the pending subnet is created: zone z2 is not applied yet.
    await publishIp('IpAllocated', { zone: 'z2', vnet: 'v2', subnet: '10.0.4.0/24', ip: '10.0.4.1', hostname: 'v2-gw', gateway: true });
    // A guest address of the same pending zone still follows the running config: skipped.
    await publishIp('IpAllocated', { zone: 'z2', vnet: 'v2', subnet: '10.0.4.0/24', ip: '10.0.4.50', hostname: 'early' });
    // The waiting gateway holds up no other address.
    await ip('IpAllocated', { ip: '10.0.3.77', hostname: 'meanwhile' });
    expect(await waitFor(async () => (await pdns.query('A', 'meanwhile.lab.sdn.test')).join() === '10.0.3.77', 10_000)).toBe(true);
    expect(await waitFor(() => svc.consumer.stats.skipped > before.skipped && svc.consumer.stats.retried >= before.retried + 2, 10_000)).toBe(true);
    expect(await pdns.rrsetContents('sdn.test', 'v2-gw.east.sdn.test.', 'A')).toEqual([]);
    expect(svc.consumer.stats.terminated).toBe(before.terminated);

    const applied: ConfigAppliedV1 = {
      version: 2,
      running: {
        ...running,
        version: 2,
        zones: { ids: { ...running.zones.ids, z2: { type: 'simple', ipam: 'pve', dns: 'pdns', reversedns: 'pdns', dnszone: 'sdn.test' } } },
        vnets: { ids: { ...running.vnets.ids, v2: { type: 'vnet', zone: 'z2' } } },
        subnets: { ids: { ...running.subnets.ids, 'z2-10.0.4.0-24': { type: 'subnet', vnet: 'v2', gateway: '10.0.4.1', dnszoneprefix: 'east' } } },
      },
    };
    await publishContract(bus.js, bus.topology.eventSubject('config', 'ConfigApplied'), CONTRACTS.event, envelope('ConfigApplied', 'config', 'running', applied));
    expect(await waitFor(async () => (await pdns.query('A', 'v2-gw.east.sdn.test')).join() === '10.0.4.1', 10_000)).toBe(true);
    expect(await waitFor(async () => (await pdns.query('PTR', '10.0.4.1')).join() === 'v2-gw.east.sdn.test', 5_000)).toBe(true);
    expect(await pdns.rrsetContents('sdn.test', 'v2-gw.east.sdn.test.', 'A')).toEqual(['10.0.4.1']);
    expect(await pdns.rrsetContents('10.in-addr.arpa.', '1.4.0.10.in-addr.arpa.', 'PTR')).toEqual(['v2-gw.east.sdn.test.']);
    expect(await pdns.query('A', 'early.east.sdn.test')).toEqual([]);
    expect(await pdns.query('PTR', '10.0.4.50')).toEqual([]);
  });
});

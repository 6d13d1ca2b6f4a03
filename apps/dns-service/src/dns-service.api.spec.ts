import { startStack, until, type Stack } from '@sdn/bench-stack';
import { isolatedBus, silentLogger, type IsolatedBus } from '@sdn/bus';
import { createTestDatabase } from '@sdn/event-store';
import { generateSecretKey } from '@sdn/secrets';
import { startDnsService, type DnsService } from './dns-service';
import { PdnsFixture, pdnsSkipReason } from './testing/pdns-fixture';

/**
 * The whole chain as an operator drives it: DNS server, zone, vnet and subnet
 * created and applied through the REST API, addresses allocated and released
 * with /cluster/sdn/vnets/{vnet}/ips, and the answers read from PowerDNS'
 * DNS port. API and ipam-service run as their own processes.
 */
const skip = pdnsSkipReason();
if (skip) console.log(`DNS end-to-end test skipped: ${skip}`);
const suite = skip ? describe.skip : describe;

suite('DNS records follow addresses allocated through the API (real PowerDNS)', () => {
  const pdns = new PdnsFixture();
  let bus: IsolatedBus;
  let stack: Stack;
  let svc: DnsService;
  const dbs: { drop(): Promise<void> }[] = [];
  const resolves = (kind: 'A' | 'AAAA' | 'PTR', name: string, want: string) => until(`${kind} ${name} -> ${want || 'nothing'}`, async () => (await pdns.query(kind, name)).join() === want, 20_000);

  beforeAll(async () => {
    await pdns.start({ reset: true });
    for (const z of ['e2e.test', '10.in-addr.arpa.', '0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.']) await pdns.createZone(z);
    const secretKey = generateSecretKey();
    bus = await isolatedBus({ name: 'dns-e2e', log: silentLogger });
    const apiDb = await createTestDatabase('dns_e2e_api');
    const ipamDb = await createTestDatabase('dns_e2e_ipam');
    dbs.push(apiDb, ipamDb);
    stack = await startStack({ apiDbUrl: apiDb.url, ipamDbUrl: ipamDb.url, namespace: bus.topology.namespace, ipamReplicas: 1, env: { SDN_SECRET_KEY: secretKey } });
    svc = await startDnsService(bus, { durable: 'dns-e2e', log: silentLogger, retryDelayMs: () => 200, secretKey });

    await stack.ok('POST', '/cluster/sdn/dns', { dns: 'pdns', type: 'powerdns', url: pdns.apiUrl, key: pdns.key, ttl: 60 });
    await stack.ok('POST', '/cluster/sdn/zones', { zone: 'ze', type: 'simple', ipam: 'pve', dns: 'pdns', reversedns: 'pdns', dnszone: 'e2e.test' });
    await stack.ok('POST', '/cluster/sdn/vnets', { vnet: 've', zone: 'ze' });
    await stack.ok('POST', '/cluster/sdn/vnets/ve/subnets', { subnet: '10.31.0.0/24', type: 'subnet', gateway: '10.31.0.1', dnszoneprefix: 'lab' });
    await stack.ok('POST', '/cluster/sdn/vnets/ve/subnets', { subnet: '2001:db8::/64', type: 'subnet', gateway: '2001:db8::1' });
    await stack.ok('PUT', '/cluster/sdn', {});
    await until('running config at the DNS service', async () => (svc.config.current()?.version ?? 0) >= 1);
    await until('subnets in the IPAM', async () => ((await stack.ok('GET', '/cluster/sdn/ipams/pve/status')) as { gateway?: number }[]).filter((r) => r.gateway === 1).length === 2);
  }, 120_000);

  afterAll(async () => {
    await svc?.stop();
    await stack?.stop();
    await bus?.destroy();
    for (const db of dbs) await db.drop();
    await pdns.destroy();
  });

  it('next-free and given addresses get A/AAAA and PTR records, which go on release', async () => {
    const web = await stack.ok('POST', '/cluster/sdn/vnets/ve/ips', { zone: 'ze', hostname: 'web1', mac: 'bc:24:11:00:00:11', vmid: 100 });
    expect(web.ip).toMatch(/^10\.31\.0\.\d+$/);
    await stack.ok('POST', '/cluster/sdn/vnets/ve/ips', { zone: 'ze', ip: '10.31.0.50', hostname: 'db1', mac: 'bc:24:11:00:00:12', vmid: 101 });
    await stack.ok('POST', '/cluster/sdn/vnets/ve/ips', { zone: 'ze', ip: '2001:db8::50', hostname: 'db1', mac: 'bc:24:11:00:00:12', vmid: 101 });

    await resolves('A', 'web1.lab.e2e.test', web.ip);
    await resolves('PTR', web.ip, 'web1.lab.e2e.test');
    await resolves('A', 'db1.lab.e2e.test', '10.31.0.50');
    await resolves('PTR', '10.31.0.50', 'db1.lab.e2e.test');
    // The IPv6 subnet has no dnszoneprefix.
    await resolves('AAAA', 'db1.e2e.test', '2001:db8::50');
    await resolves('PTR', '2001:db8::50', 'db1.e2e.test');
    console.log(`through the API: web1 -> ${web.ip}, db1 -> 10.31.0.50 and 2001:db8::50; A, AAAA and PTR answered by PowerDNS`);

    await stack.ok('DELETE', '/cluster/sdn/vnets/ve/ips', { zone: 'ze', ip: web.ip });
    await stack.ok('DELETE', '/cluster/sdn/vnets/ve/ips', { zone: 'ze', ip: '2001:db8::50' });
    await resolves('A', 'web1.lab.e2e.test', '');
    await resolves('PTR', web.ip, '');
    await resolves('AAAA', 'db1.e2e.test', '');
    await resolves('PTR', '2001:db8::50', '');
    // Releasing one address leaves the other records alone.
    expect(await pdns.query('A', 'db1.lab.e2e.test')).toEqual(['10.31.0.50']);
  }, 120_000);
});

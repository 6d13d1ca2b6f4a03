import { DataSource } from 'typeorm';
import { canonicalJson, readCase } from '@sdn/ipam';
import { freshDatabase, pveDataSource } from '../testing/pg';
import { PveIpamStore } from './pve-ipam.store';

let db: { url: string; drop: () => Promise<void> };
let ds: DataSource;
let store: PveIpamStore;
beforeAll(async () => {
  db = await freshDatabase();
  ds = pveDataSource(db.url);
  await ds.initialize();
  store = new PveIpamStore(ds);
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});
const reset = () => ds.query('TRUNCATE ipam_zone CASCADE');

/** `myzone-10.0.0.0-24` -> `10.0.0.0/24` (the address may itself contain '-'-free colons). */
const cidrOf = (zone: string, id: string) => {
  const rest = id.slice(zone.length + 1);
  const i = rest.lastIndexOf('-');
  return `${rest.slice(0, i)}/${rest.slice(i + 1)}`;
};

describe.each(['ipv4', 'ipv6'])('conformance subnets/%s against PostgreSQL', (name) => {
  const c = readCase(`subnets/${name}`);
  beforeAll(reset);
  const zone: string = c.zone_id ?? c.zone;
  const cidr = cidrOf(zone, c.subnet_id);

  // Steps are sequential: each one builds on the database state of the previous.
  it.each((c.checks as any[]).map((s: any) => [s.step, s] as [string, any]))('%s', async (_n: string, s: any) => {
    const a = s.args;
    const attrs = { hostname: a.hostname, mac: a.mac, vmid: a.vmid, isGateway: a.is_gateway === 1 };
    for (const pre of s.setup ?? []) await store.delIp(zone, cidr, pre.args.ip); // must_not_die
    let result: Promise<unknown>;
    switch (s.call) {
      case 'Subnets::add_subnet': result = store.addSubnet(zone, cidr); break;
      case 'Subnets::add_ip':
        result = store.addIp(zone, cidr, a.ip, attrs, s.step.includes('failing_dns') ? async () => { throw new Error('dns failure'); } : undefined);
        break;
      case 'Subnets::add_next_free_ip': result = store.nextFreeIp(zone, cidr, attrs); break;
      case 'Subnets::del_ip': result = store.delIp(zone, cidr, a.ip); break;
      case 'Subnets::del_subnet': result = store.delSubnet(zone, cidr); break;
      default: throw new Error(`unknown call ${s.call}`);
    }
    if (s.expect_error) await expect(result).rejects.toThrow();
    else {
      const v = await result;
      if (s.returns) expect(v).toBe(s.returns);
    }
    if (s.expected_db_json) expect(canonicalJson(await store.dump())).toBe(s.expected_db_json);
  });
});

describe('conformance vnets/blackbox against PostgreSQL', () => {
  const c = readCase('vnets/blackbox');
  const cs = c.common_setup;
  const zone = cs.create_zone.zone;
  const vnet = cs.create_vnet.vnet;
  const parseRange = (r: string) => {
    const m = /start-address=([^,]+),end-address=(.+)/.exec(r)!;
    return { start: m[1], end: m[2] };
  };

  it.each((c.scenarios as any[]).map((s: any) => [s.name, s] as [string, any]))('%s', async (_n: string, sc: any) => {
    await reset();
    const subnets = sc.subnets.map((s: any) => ({ cidr: s.subnet, gateway: s.gateway, dhcpRanges: (s['dhcp-range'] ?? []).map(parseRange) }));
    for (const s of subnets) {
      await store.addSubnet(zone, s.cidr);
      if (s.gateway) await store.addIp(zone, s.cidr, s.gateway, { isGateway: true, hostname: `${vnet}-gw`, vnet });
    }
    for (const p of sc.preexisting_ips ?? []) {
      const s = subnets.find((x: any) => x.cidr.includes(':') === p.params.ip.includes(':'));
      await store.addIp(zone, s.cidr, p.params.ip, { mac: p.params.mac, vnet: p.params.vnet });
    }
    const mac = cs.mac;
    let err: unknown = null;
    if (sc.action === 'nic_join') {
      await store.allocateForVnet(zone, vnet, subnets, { hostname: cs.hostname, mac, vmid: cs.vmid }).catch((e) => (err = e));
    } else if (sc.action === 'nic_start') {
      // the reference runner swaps hostname and vmid here (notes.md); harmless for the checks
      await store.ensureDhcpMapping(zone, vnet, subnets, { hostname: cs.vmid, mac, vmid: cs.hostname }).catch((e) => (err = e));
    }
    const mine = await store.list({ mac });
    const fam = async (f: 4 | 6) => (await store.ipsFromMac(zone, mac))[f === 4 ? 'ip4' : 'ip6'];
    for (const chk of sc.checks) {
      const w: string = chk.what;
      if (/raises an error/.test(w)) expect(err !== null).toBe(chk.expect);
      else if (/number of IPAM entries/.test(w)) expect(mine).toHaveLength(chk.expect);
      else if (/every such entry has vnet/.test(w)) expect(mine.every((r) => r.vnet === vnet && r.zone === zone)).toBe(true);
      else if (/some IPAM entry has gateway/.test(w)) expect((await store.list()).some((r) => r.gateway)).toBe(chk.expect);
      else if (/IPv4 entry of the MAC/.test(w)) expect(await fam(4)).toBe(chk.expect);
      else if (/IPv6 entry of the MAC/.test(w)) expect(await fam(6)).toBe(chk.expect);
      else throw new Error(`unhandled check: ${w}`);
    }
  });
});

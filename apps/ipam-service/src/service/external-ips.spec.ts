import type { EventEnvelope, IpEventV1 } from '@sdn/contracts';
import { FakeNetbox, FakePhpIpam, registerSubnet, startFakeServer, type AllocateRequest } from '@sdn/ipam';
import { generateSecretKey, SecretBox } from '@sdn/secrets';
import type { DataSource } from 'typeorm';
import { PveIpamStore } from '../pve/pve-ipam.store';
import { freshDatabase, pveDataSource } from '../testing/pg';
import { IpamRpc } from './ipam-rpc';
import { ConfigHistory, externalPlugin } from './subnet-events';
import { recordTestSecrets } from '@sdn/service-kit/testing';

/**
 * Address requests of a zone whose IPAM is NetBox or phpIPAM go to that IPAM (fake servers that
 * keep state: ids, 404s, running out, auth), and their IP events to the outbox only once the IPAM
 * said yes; a failure part-way leaves neither side half-written. Real PostgreSQL; tokens sealed
 * as the API stores them.
 */
describe('IpamRpc with an external IPAM', () => {
  let db: { url: string; drop: () => Promise<void> };
  let ds: DataSource;
  let rpc: IpamRpc;
  let store: PveIpamStore;
  let kicks = 0;
  const box = SecretBox.fromText(generateSecretKey());
  let nb: FakeNetbox;
  let php: FakePhpIpam;
  let nbSrv: Awaited<ReturnType<typeof startFakeServer>>;
  let phpSrv: Awaited<ReturnType<typeof startFakeServer>>;

  beforeAll(async () => {
    db = await freshDatabase('ipam_ext');
    ds = pveDataSource(db.url, 4);
    await ds.initialize();
    store = new PveIpamStore(ds);
    rpc = new IpamRpc(store, () => kicks++, externalPlugin(box));
    nbSrv = await startFakeServer((...a) => nb.handler(...a));
    phpSrv = await startFakeServer((...a) => php.handler(...a));
  });
  afterAll(async () => {
    await nbSrv.close();
    await phpSrv.close();
    await ds.destroy();
    await db.drop();
  });

  const nbSubnet = { cidr: '10.0.0.0/29', gateway: '10.0.0.1' };
  const phpSubnet = { cidr: '10.1.0.0/29', gateway: '10.1.0.1' };
  beforeEach(async () => {
    nb = new FakeNetbox('nb-token');
    php = new FakePhpIpam('php-token');
    recordTestSecrets({ 'NetBox token': nb.token, 'phpIPAM token': php.token });
    kicks = 0;
    await ds.query(`DELETE FROM ipam_event_outbox`);
    // The subnets as the subnet lifecycle registers them (prefix + gateway).
    const nbPlugin = externalPlugin(box)('nb', netbox().ipam!);
    const phpPlugin = externalPlugin(box)('php', phpipam().ipam!);
    await registerSubnet(nbPlugin, { id: 'znb-10.0.0.0-29', zone: 'znb', ...nbSubnet }, 'vnb');
    await registerSubnet(phpPlugin, { id: 'zphp-10.1.0.0-29', zone: 'zphp', ...phpSubnet }, 'vphp');
  });

  function netbox(token = 'nb-token', more: Partial<AllocateRequest> = {}): AllocateRequest {
    return { zone: 'znb', vnet: 'vnb', ipamId: 'nb', ipam: { type: 'netbox', url: `${nbSrv.url}/api`, token: box.seal(token) }, subnets: [nbSubnet], ...more };
  }
  function phpipam(more: Partial<AllocateRequest> = {}): AllocateRequest {
    return { zone: 'zphp', vnet: 'vphp', ipamId: 'php', ipam: { type: 'phpipam', url: `${phpSrv.url}/api/apiadmin`, token: box.seal('php-token'), section: 1 }, subnets: [phpSubnet], ...more };
  }
  const events = async () =>
    ((await ds.query(`SELECT envelope FROM ipam_event_outbox ORDER BY seq`)) as { envelope: EventEnvelope<IpEventV1> }[]).map((r) => [r.envelope.type, r.envelope.payload]);
  const nbAddresses = () => nb.addresses.map((a) => [a.address, a.description, a.dns_name ?? null]);
  const phpAddresses = () => php.addresses.map((a) => [a.ip, a.hostname, a.description, a.mac ?? null]);
  const nbGateway = ['10.0.0.1/29', 'gateway', 'vnb-gw'];

  describe('NetBox zone', () => {
    it('next free: the address is created in NetBox (mac in description, hostname as dns_name) and IpAllocated goes to the outbox', async () => {
      const r = await rpc.allocate({ ...netbox(), mac: 'bc:24:11:00:00:01', hostname: 'vm1', vmid: 100, correlationId: 'c1' });
      const rec = { zone: 'znb', vnet: 'vnb', subnet: '10.0.0.0/29', ip: '10.0.0.2', mac: 'bc:24:11:00:00:01', hostname: 'vm1', vmid: '100' };
      expect(r).toEqual({ ok: true, data: [rec] });
      expect(nbAddresses()).toEqual([nbGateway, ['10.0.0.2/29', 'mac:bc:24:11:00:00:01', 'vm1']]);
      expect(await events()).toEqual([['IpAllocated', rec]]);
      expect((await ds.query(`SELECT envelope FROM ipam_event_outbox`))[0].envelope).toMatchObject({ correlationId: 'c1', aggregateId: 'znb/10.0.0.2' });
      expect(kicks).toBe(1);
      // The built-in store never saw it.
      expect(await store.list({ zone: 'znb' })).toEqual([]);
    });

    it('next free within the subnet’s DHCP ranges, in order, moving on when one runs out', async () => {
      const ranged = { ...nbSubnet, dhcpRanges: [{ start: '10.0.0.5', end: '10.0.0.5' }, { start: '10.0.0.3', end: '10.0.0.3' }] };
      await nb.handler('POST', '/api/ipam/ip-ranges/', new URLSearchParams(), { authorization: 'token nb-token' }, { start_address: '10.0.0.5/29', end_address: '10.0.0.5/29' });
      await nb.handler('POST', '/api/ipam/ip-ranges/', new URLSearchParams(), { authorization: 'token nb-token' }, { start_address: '10.0.0.3/29', end_address: '10.0.0.3/29' });
      const r = await rpc.allocate({ ...netbox(), subnets: [ranged], count: 2 });
      expect(r.ok && r.data.map((x) => x.ip)).toEqual(['10.0.0.5', '10.0.0.3']);
      const full = await rpc.allocate({ ...netbox(), subnets: [ranged] });
      expect(full).toEqual({ ok: false, error: "can't find free ip in the dhcp ranges of subnet '10.0.0.0/29'" });
      expect((await events()).length).toBe(2);
    });

    it('a batch that runs out part-way gives back what it took: nothing left in NetBox, no event, the reason in words', async () => {
      await rpc.allocate({ ...netbox(), ip: '10.0.0.4', hostname: 'fixed' });
      await ds.query(`DELETE FROM ipam_event_outbox`);
      // /29: .2–.6 usable besides the gateway, .4 taken: 4 left, 6 asked.
      const r = await rpc.allocate({ ...netbox(), count: 6, hostname: 'many' });
      expect(r).toEqual({
        ok: false,
        error:
          "can't find free ip in subnet 10.0.0.0/29: Invalid response from server: 409 Conflict (Insufficient space is available to accommodate the requested number of IP address(es)) (the 4 address(es) it took were released again)",
      });
      expect(nbAddresses()).toEqual([nbGateway, ['10.0.0.4/29', null, 'fixed']]);
      expect(await events()).toEqual([]);
    });

    it('an outbox that cannot be written after NetBox created the address: the address is deleted again, no event', async () => {
      await ds.query(`ALTER TABLE ipam_event_outbox RENAME TO ipam_event_outbox_away`);
      let r;
      try {
        r = await rpc.allocate({ ...netbox(), hostname: 'lost' });
      } finally {
        await ds.query(`ALTER TABLE ipam_event_outbox_away RENAME TO ipam_event_outbox`);
      }
      expect(r).toEqual({ ok: false, error: expect.stringMatching(/relation "ipam_event_outbox" does not exist \(the 1 address\(es\) it took were released again\)$/) });
      expect(nbAddresses()).toEqual([nbGateway]);
      expect(await events()).toEqual([]);
      expect(kicks).toBe(0);
    });

    it('register a given ip, update it, release it: NetBox and the events follow; errors in words change nothing', async () => {
      const base = { ...netbox(), ip: '10.0.0.6' };
      expect(await rpc.allocate({ ...base, mac: 'bc:24:11:00:00:06', hostname: 'web' })).toMatchObject({ ok: true });
      expect(await rpc.allocate({ ...base, hostname: 'dup' })).toEqual({
        ok: false,
        error: 'error add subnet ip to ipam: ip already exist: Invalid response from server: 400 Bad Request (Duplicate IP address found in global table: 10.0.0.6/29)',
      });
      expect(await rpc.allocate({ ...base, ip: '10.0.0.9', subnet: '10.0.0.0/29' })).toEqual({ ok: false, error: "IP '10.0.0.9' is not in subnet '10.0.0.0/29'", field: 'ip' });
      expect(await rpc.update({ ...base, mac: 'bc:24:11:00:00:07', hostname: 'web2' })).toMatchObject({ ok: true, data: { ip: '10.0.0.6', hostname: 'web2' } });
      expect(nb.addresses.find((a) => a.address === '10.0.0.6/29')).toMatchObject({ description: 'mac:bc:24:11:00:00:07', dns_name: 'web2' });
      expect(await rpc.release(base)).toMatchObject({ ok: true, data: { ip: '10.0.0.6' } });
      expect(nbAddresses()).toEqual([nbGateway]);
      expect(await rpc.release(base)).toEqual({ ok: false, error: "IP '10.0.0.6' does not exist in ipam 'nb'", field: 'ip' });
      expect(await rpc.update({ ...base, hostname: 'gone' })).toEqual({ ok: false, error: 'could not find id for ip address 10.0.0.6' });
      expect((await events()).map(([type, p]) => `${type} ${(p as IpEventV1).ip} ${(p as IpEventV1).hostname ?? ''}`)).toEqual([
        'IpAllocated 10.0.0.6 web',
        'IpUpdated 10.0.0.6 web2',
        'IpReleased 10.0.0.6 ',
      ]);
    });

    it('updating the gateway keeps its gateway mark', async () => {
      expect(await rpc.update({ ...netbox(), ip: '10.0.0.1', hostname: 'vnb-gw' })).toMatchObject({ ok: true });
      expect(nbAddresses()).toEqual([nbGateway]);
    });

    it('a bad token: NetBox’s 403 in words, nothing written', async () => {
      expect(await rpc.allocate({ ...netbox('wrong'), hostname: 'x' })).toEqual({ ok: false, error: 'Invalid response from server: 403 Forbidden (Invalid token)' });
      expect(nbAddresses()).toEqual([nbGateway]);
      expect(await events()).toEqual([]);
    });
  });

  describe('phpIPAM zone', () => {
    it('next free: the address exists in phpIPAM with hostname, vmid (description) and mac; IpAllocated in the outbox; release removes it', async () => {
      const r = await rpc.allocate({ ...phpipam(), mac: 'bc:24:11:00:01:01', hostname: 'db', vmid: '205' });
      const rec = { zone: 'zphp', vnet: 'vphp', subnet: '10.1.0.0/29', ip: '10.1.0.2', mac: 'bc:24:11:00:01:01', hostname: 'db', vmid: '205' };
      expect(r).toEqual({ ok: true, data: [rec] });
      expect(phpAddresses()).toEqual([['10.1.0.1', 'vphp-gw', null, null], ['10.1.0.2', 'db', '205', 'bc:24:11:00:01:01']]);
      expect(await rpc.release({ ...phpipam(), ip: '10.1.0.2', mac: 'bc:24:11:00:01:01', hostname: 'db', vmid: '205' })).toEqual({ ok: true, data: rec });
      expect(phpAddresses()).toEqual([['10.1.0.1', 'vphp-gw', null, null]]);
      expect(await events()).toEqual([['IpAllocated', rec], ['IpReleased', rec]]);
    });

    it('a batch larger than first_free can give: all or nothing, in words', async () => {
      const r = await rpc.allocate({ ...phpipam(), count: 9 });
      expect(r).toEqual({
        ok: false,
        error: "can't find free ip in subnet 10.1.0.0/29: Invalid response from server: 404 Not Found (No free addresses found) (the 5 address(es) it took were released again)",
      });
      expect(phpAddresses()).toEqual([['10.1.0.1', 'vphp-gw', null, null]]);
      expect(await events()).toEqual([]);
      const ok = await rpc.allocate({ ...phpipam(), count: 5 });
      expect(ok.ok && ok.data.map((x) => x.ip)).toEqual(['10.1.0.2', '10.1.0.3', '10.1.0.4', '10.1.0.5', '10.1.0.6']);
      expect((await events()).length).toBe(5);
    });
  });

  it('a pve zone (no ipam in the request) still uses the built-in store and touches no external IPAM', async () => {
    await rpc.onSubnet('SubnetCreated', 'zpve', 'vpve', '10.2.0.0/24', '10.2.0.1');
    const r = await rpc.allocate({ zone: 'zpve', vnet: 'vpve', hostname: 'p' });
    expect(r).toMatchObject({ ok: true, data: [{ ip: '10.2.0.2', subnet: '10.2.0.0/24' }] });
    expect((await store.list({ zone: 'zpve' })).map((x) => x.ip)).toEqual(['10.2.0.1', '10.2.0.2']);
    expect(nbAddresses()).toEqual([nbGateway]);
    expect(phpAddresses()).toEqual([['10.1.0.1', 'vphp-gw', null, null]]);
  });
  describe('a zone\'s addresses for its DHCP servers (IPAM_PATTERNS.list with a zone)', () => {
    // The zone, its IPAM and its subnets as the subnet-event consumers record them.
    beforeEach(async () => {
      await ds.query(`DELETE FROM sdn_config_history`);
      const history = new ConfigHistory(ds);
      await history.record('ipams', 'nb', 1, netbox().ipam!);
      await history.record('ipams', 'php', 2, phpipam().ipam!);
      await history.record('zones', 'znb', 3, { type: 'simple', ipam: 'nb', dhcp: 'dnsmasq' });
      await history.record('zones', 'zphp', 4, { type: 'simple', ipam: 'php', dhcp: 'dnsmasq' });
      await history.record('subnets', 'znb-10.0.0.0-29', 5, { vnet: 'vnb', gateway: '10.0.0.1' });
      await history.record('subnets', 'zphp-10.1.0.0-29', 6, { vnet: 'vphp', gateway: '10.1.0.1' });
    });
    const listed = async (zone: string) => {
      const r = await rpc.list({ zone });
      if (!r.ok) throw new Error(r.error);
      return r.data.map((x) => [x.ip, x.mac, x.gateway, x.vnet]);
    };

    it('NetBox: the zone\'s addresses come from NetBox, the MAC from the mac:<mac> description, the gateway flagged; a release takes it out', async () => {
      await rpc.allocate({ ...netbox(), ip: '10.0.0.3', mac: 'bc:24:11:00:0b:01', hostname: 'nb1' });
      await rpc.allocate({ ...netbox(), ip: '10.0.0.4', hostname: 'nomac' });
      // An address of another prefix in NetBox is not the zone's.
      await nb.handler('POST', '/api/ipam/ip-addresses/', new URLSearchParams(), { authorization: 'token nb-token' }, { address: '10.9.9.9/24', description: 'mac:bc:24:11:00:0b:09' });
      expect(await listed('znb')).toEqual([
        ['10.0.0.1', null, true, 'vnb'],
        ['10.0.0.3', 'bc:24:11:00:0b:01', false, 'vnb'],
        ['10.0.0.4', null, false, 'vnb'],
      ]);
      expect(await store.list({ zone: 'znb' })).toEqual([]);
      await rpc.release({ ...netbox(), ip: '10.0.0.3' });
      expect((await listed('znb')).map((x) => x[0])).toEqual(['10.0.0.1', '10.0.0.4']);
    });

    it('phpIPAM: listed from the subnet\'s addresses (GET /subnets/{id}/addresses/); a subnet phpIPAM does not have lists nothing', async () => {
      await rpc.allocate({ ...phpipam(), mac: 'bc:24:11:00:0c:01', hostname: 'php1' });
      expect(await listed('zphp')).toEqual([
        ['10.1.0.1', null, true, 'vphp'],
        ['10.1.0.2', 'bc:24:11:00:0c:01', false, 'vphp'],
      ]);
      await new ConfigHistory(ds).record('subnets', 'zphp-10.1.1.0-29', 7, { vnet: 'vphp' });
      expect(await listed('zphp')).toHaveLength(2);
      // A bad token is an error in words, not an empty list (the DHCP servers then keep their entries).
      await new ConfigHistory(ds).record('ipams', 'php', 8, { ...phpipam().ipam!, token: box.seal('wrong') });
      expect(await rpc.list({ zone: 'zphp' })).toMatchObject({ ok: false, error: expect.stringMatching(/401/) });
    });

    it('a zone of the built-in IPAM is listed from the store, as before', async () => {
      await new ConfigHistory(ds).record('zones', 'zdh', 9, { type: 'simple', ipam: 'pve' });
      await store.addSubnet('zdh', '10.3.0.0/29');
      await store.addIp('zdh', '10.3.0.0/29', '10.3.0.3', { mac: 'bc:24:11:00:0d:01', vnet: 'vp' });
      expect(await listed('zdh')).toEqual([['10.3.0.3', 'bc:24:11:00:0d:01', false, 'vp']]);
    });
  });
});

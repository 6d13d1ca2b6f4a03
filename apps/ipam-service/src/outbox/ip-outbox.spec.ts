import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { isolatedBus, type IsolatedBus } from '@sdn/bus';
import type { EventEnvelope, IpEventV1 } from '@sdn/contracts';
import { freshDatabase } from '../testing/pg';
import { coalescedKick, ipamRelay, startIpamService } from '../main';

/**
 * IP events go through the outbox: written in the allocating transaction, relayed to JetStream
 * with the event id as message id. Real PostgreSQL and NATS, isolated bus namespace.
 */
describe('IP event outbox', () => {
  let db: { url: string; drop: () => Promise<void> };
  let bus: IsolatedBus;
  let svc: Awaited<ReturnType<typeof startIpamService>>;
  const subject = () => bus.topology.eventSubject('ip', '>');

  const onStream = async (): Promise<EventEnvelope<IpEventV1>[]> => {
    const out: EventEnvelope<IpEventV1>[] = [];
    const info = await bus.jsm.streams.info(bus.topology.streams.events.name);
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const m = await bus.jsm.streams.getMessage(bus.topology.streams.events.name, { seq }).catch(() => null);
      if (m && m.subject.startsWith(subject().slice(0, -1))) {
        const env = m.json<EventEnvelope<IpEventV1>>();
        expect(m.header?.get('Nats-Msg-Id')).toBe(env.id);
        out.push(env);
      }
    }
    return out;
  };
  const outbox = async () => Number((await svc.db.query('SELECT count(*) AS n FROM ipam_event_outbox'))[0].n);

  beforeAll(async () => {
    db = await freshDatabase('ipam_outbox');
    bus = await isolatedBus({ name: 'ipam-outbox-spec' });
    // No relay in the service: the tests decide when (and whether) the relay runs.
    svc = await startIpamService({ pgUrl: db.url, bus, consumeSubnets: false, relay: false });
    await svc.rpc.onSubnet('SubnetCreated', 'zo', 'vo', '10.30.0.0/24', '10.30.0.1');
    await ipamRelay(svc.db, bus).drain(); // the gateway's event (see the gateway test)
  });
  afterAll(async () => {
    await svc.close();
    await bus.destroy();
    await db.drop();
  });

  it('writes the event with the allocation; a relay started after the crash delivers it once', async () => {
    const before = await onStream();
    const got = await svc.rpc.allocate({ zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', hostname: 'a1', mac: '02:00:00:00:00:01', vmid: 7 });
    expect(got.ok).toBe(true);
    // Committed, nothing published yet (the process that allocated is "gone").
    expect(await outbox()).toBe(1);
    expect(await onStream()).toEqual(before);

    expect(await ipamRelay(svc.db, bus).drain()).toBe(1);
    expect(await outbox()).toBe(0);
    const events = (await onStream()).slice(before.length);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'IpAllocated', aggregateType: 'ip', aggregateId: 'zo/10.30.0.2', payload: { zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', ip: '10.30.0.2', hostname: 'a1', mac: '02:00:00:00:00:01', vmid: '7' } });
    expect(await ipamRelay(svc.db, bus).drain()).toBe(0);
  });

  it('relay killed (SIGKILL) after the publish ack, before the outbox commit: restarted relay → delivered exactly once', async () => {
    const before = (await onStream()).length;
    expect((await svc.rpc.release({ zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', ip: '10.30.0.2' })).ok).toBe(true);
    const [pending] = await svc.db.query(`SELECT id FROM ipam_event_outbox`);

    const root = path.resolve(__dirname, '../../../..');
    const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/ipam-service/src/outbox/relay-crash.fixture.ts', db.url, bus.topology.namespace], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.once('exit', (c, s) => r([c, s])));
    expect([code, signal]).toEqual([null, 'SIGKILL']);
    expect(await outbox()).toBe(1); // the kill lost the delete: still pending
    expect((await onStream()).length).toBe(before + 1); // but the message was stored

    expect(await ipamRelay(svc.db, bus).drain()).toBe(1);
    expect(await outbox()).toBe(0);
    const events = await onStream();
    expect(events).toHaveLength(before + 1); // de-duplicated by message id
    expect(events.filter((e) => e.id === pending.id)).toHaveLength(1);
    expect(events[before]).toMatchObject({ type: 'IpReleased', payload: { ip: '10.30.0.2', hostname: 'a1' } });
  });

  it('a failed allocation writes no event; a batch writes one per address in one transaction', async () => {
    expect(await svc.rpc.allocate({ zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', ip: '10.30.0.1' })).toMatchObject({ ok: false, field: 'ip' });
    expect(await svc.rpc.allocate({ zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', count: 1000 })).toMatchObject({ ok: false });
    expect(await outbox()).toBe(0);
    const batch = await svc.rpc.allocate({ zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', count: 3, hostname: 'b' });
    expect(batch.ok && batch.data.map((x) => x.ip)).toEqual(['10.30.0.2', '10.30.0.3', '10.30.0.4']);
    expect((await svc.rpc.update({ zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', ip: '10.30.0.3', hostname: 'c' })).ok).toBe(true);
    expect((await svc.rpc.update({ zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', ip: '10.30.0.99', hostname: 'c' })).ok).toBe(false);
    expect(await outbox()).toBe(4);
    const before = (await onStream()).length;
    await ipamRelay(svc.db, bus).drain();
    const events = (await onStream()).slice(before);
    expect(events.map((e) => [e.type, e.payload.ip, e.payload.hostname])).toEqual([
      ['IpAllocated', '10.30.0.2', 'b'],
      ['IpAllocated', '10.30.0.3', 'b'],
      ['IpAllocated', '10.30.0.4', 'b'],
      ['IpUpdated', '10.30.0.3', 'c'],
    ]);
  });

  it('one relay at a time: a second relay claims nothing while the first holds the outbox', async () => {
    await svc.rpc.allocate({ zone: 'zo', vnet: 'vo', subnet: '10.30.0.0/24', count: 5 });
    let second = -1;
    const first = ipamRelay(svc.db, bus, { afterPublish: async () => void (second = await ipamRelay(svc.db, bus).runOnce()) });
    expect(await first.runOnce()).toBe(5);
    expect(second).toBe(0);
    expect(await outbox()).toBe(0);
  });

  it('concurrent single requests on one subnet share statements, yet each gets its own address and its own event', async () => {
    await svc.rpc.onSubnet('SubnetCreated', 'zg', 'vg', '10.31.0.0/24');
    const statements = jest.spyOn(svc.store, 'nextFreeIps');
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => svc.rpc.allocate({ zone: 'zg', vnet: 'vg', subnet: '10.31.0.0/24', hostname: `g${i}`, correlationId: `corr-${i}` })),
    );
    const ips = replies.map((r) => (r.ok ? r.data[0].ip : r.error));
    expect(new Set(ips).size).toBe(40);
    expect(statements.mock.calls.length).toBeLessThan(40);
    statements.mockRestore();
    const rows: { envelope: EventEnvelope<IpEventV1> }[] = await svc.db.query(`SELECT envelope FROM ipam_event_outbox WHERE envelope->'payload'->>'zone' = 'zg' ORDER BY seq`);
    expect(rows).toHaveLength(40);
    const byCorr = new Map(rows.map((r) => [r.envelope.correlationId, r.envelope]));
    for (let i = 0; i < 40; i++) {
      expect(byCorr.get(`corr-${i}`)).toMatchObject({ type: 'IpAllocated', aggregateId: `zg/${ips[i]}`, payload: { ip: ips[i], hostname: `g${i}`, vnet: 'vg' } });
    }
    expect(new Set(rows.map((r) => r.envelope.id)).size).toBe(40);
    await ipamRelay(svc.db, bus).drain();
  });

  it('a gateway outside its subnet (accepted with gateway-outside-subnet) reserves nothing and writes no event; moved inside it is reserved, moved out again released', async () => {
    const cidr = '10.33.1.0/24';
    const gateways = async () => (await svc.store.list({ zone: 'zx' })).filter((r) => r.gateway).map((r) => r.ip);
    const before = await outbox();
    await svc.rpc.onSubnet('SubnetCreated', 'zx', 'vx', cidr, '10.33.0.1', 'corr-out');
    expect(await svc.store.subnetsOf('zx')).toEqual([cidr]);
    expect(await gateways()).toEqual([]);
    expect(await outbox()).toBe(before);
    await svc.rpc.onSubnet('SubnetUpdated', 'zx', 'vx', cidr, '10.33.1.1', 'corr-out');
    expect(await gateways()).toEqual(['10.33.1.1']);
    await svc.rpc.onSubnet('SubnetUpdated', 'zx', 'vx', cidr, '10.33.0.1', 'corr-out');
    expect(await gateways()).toEqual([]);
    const rows: { envelope: EventEnvelope<IpEventV1> }[] = await svc.db.query(`SELECT envelope FROM ipam_event_outbox WHERE envelope->'payload'->>'zone' = 'zx' ORDER BY seq`);
    expect(rows.map((r) => [r.envelope.type, r.envelope.payload.ip])).toEqual([
      ['IpAllocated', '10.33.1.1'],
      ['IpReleased', '10.33.1.1'],
    ]);
    await svc.rpc.onSubnet('SubnetDeleted', 'zx', 'vx', cidr);
    await ipamRelay(svc.db, bus).drain();
  });

  it('the subnet gateway: one IpAllocated with its reservation, none on redelivery, released when moved or removed, nothing when its subnet goes', async () => {
    const cidr = '10.32.0.0/24';
    const gw = (type: string, ip: string) => ({ type, aggregateId: `zw/${ip}`, correlationId: 'corr-gw', payload: { zone: 'zw', vnet: 'vw', subnet: cidr, ip, hostname: 'vw-gw', gateway: true } });
    const events = async () => (await onStream()).filter((e) => e.payload.zone === 'zw');
    const gateways = async () => (await svc.store.list({ zone: 'zw' })).filter((r) => r.gateway).map((r) => r.ip);

    // The reservation and its event are one transaction: an outbox that refuses the row leaves no gateway.
    await svc.db.query(`ALTER TABLE ipam_event_outbox ADD CONSTRAINT refuse_all CHECK (false) NOT VALID`);
    await expect(svc.rpc.onSubnet('SubnetCreated', 'zw', 'vw', cidr, '10.32.0.1', 'corr-gw')).rejects.toThrow(/refuse_all/);
    await svc.db.query(`ALTER TABLE ipam_event_outbox DROP CONSTRAINT refuse_all`);
    expect(await gateways()).toEqual([]);

    await svc.rpc.onSubnet('SubnetCreated', 'zw', 'vw', cidr, '10.32.0.1', 'corr-gw');
    await svc.rpc.onSubnet('SubnetCreated', 'zw', 'vw', cidr, '10.32.0.1', 'corr-gw'); // redelivered
    await svc.rpc.onSubnet('SubnetUpdated', 'zw', 'vw', cidr, '10.32.0.1', 'corr-gw'); // an edit that keeps the gateway
    expect(await outbox()).toBe(1);
    await ipamRelay(svc.db, bus).drain();
    expect(await events()).toEqual([expect.objectContaining(gw('IpAllocated', '10.32.0.1'))]);

    await svc.rpc.onSubnet('SubnetUpdated', 'zw', 'vw', cidr, '10.32.0.254', 'corr-gw');
    await svc.rpc.onSubnet('SubnetUpdated', 'zw', 'vw', cidr, '10.32.0.254', 'corr-gw'); // redelivered
    expect(await gateways()).toEqual(['10.32.0.254']);
    await svc.rpc.onSubnet('SubnetUpdated', 'zw', 'vw', cidr, undefined, 'corr-gw'); // gateway deleted
    expect(await gateways()).toEqual([]);
    // Released into the free intervals: next-free hands out the old gateway address again.
    const got = await svc.rpc.allocate({ zone: 'zw', vnet: 'vw', subnet: cidr, hostname: 'g' });
    expect(got.ok && got.data.map((x) => x.ip)).toEqual(['10.32.0.1']);
    await svc.rpc.release({ zone: 'zw', vnet: 'vw', subnet: cidr, ip: '10.32.0.1' });
    await svc.rpc.onSubnet('SubnetUpdated', 'zw', 'vw', cidr, '10.32.0.1', 'corr-gw');
    expect(await gateways()).toEqual(['10.32.0.1']);
    await ipamRelay(svc.db, bus).drain();
    const before = (await events()).length;

    // §6.1: the gateway's DNS records stay when its subnet is deleted, so no IpReleased for it.
    await svc.rpc.onSubnet('SubnetDeleted', 'zw', 'vw', cidr);
    expect(await outbox()).toBe(0);
    expect(await svc.store.subnetsOf('zw')).toEqual([]);

    expect((await events()).map((e) => [e.type, e.payload.ip, e.payload.gateway])).toEqual([
      ['IpAllocated', '10.32.0.1', true],
      ['IpAllocated', '10.32.0.254', true],
      ['IpReleased', '10.32.0.1', true],
      ['IpReleased', '10.32.0.254', true],
      ['IpAllocated', '10.32.0.1', undefined],
      ['IpReleased', '10.32.0.1', undefined],
      ['IpAllocated', '10.32.0.1', true],
    ]);
    expect(await events()).toHaveLength(before);
    const all = await events();
    for (const i of [1, 2, 3, 6]) expect(all[i]).toMatchObject(gw(all[i].type, all[i].payload.ip));
  });

  it('commits close together kick the relay once, after the delay', async () => {
    let kicks = 0;
    const kick = coalescedKick(() => kicks++, 30);
    for (let i = 0; i < 5; i++) kick();
    expect(kicks).toBe(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(kicks).toBe(1);
    kick();
    await new Promise((r) => setTimeout(r, 60));
    expect(kicks).toBe(2);
  });
});

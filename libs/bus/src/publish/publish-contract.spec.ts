import { CONTRACTS, ContractViolation, type NodeStatusV1 } from '@sdn/contracts';
import { isolatedBus, type IsolatedBus } from '../testing/isolated-bus';
import { readLastHeadersPerSubject, readLastMessage, readLastPerSubject } from '../read/read-last';
import { encodeJson } from '../codec/json-codec';
import { isWrongLastSequence, publishContract } from './publish-contract';

const status = (node: string, version: number): NodeStatusV1 => ({
  node,
  version,
  apply: { version, state: 'applied', at: '2026-01-01T00:00:00Z' },
  zones: {},
  vnets: {},
  heartbeatAt: '2026-01-01T00:00:00Z',
});

describe('publishContract and readLast* (real NATS)', () => {
  let bus: IsolatedBus;
  beforeAll(async () => {
    bus = await isolatedBus({ name: 'publish-spec' });
  });
  afterAll(() => bus.destroy());
  const stream = () => bus.topology.streams.status.name;

  it('publishes a valid payload and reads back only the latest per subject', async () => {
    await publishContract(bus.js, bus.topology.statusSubject('n1'), CONTRACTS.nodeStatus, status('n1', 1));
    await publishContract(bus.js, bus.topology.statusSubject('n1'), CONTRACTS.nodeStatus, status('n1', 2));
    await publishContract(bus.js, bus.topology.statusSubject('n2'), CONTRACTS.nodeStatus, status('n2', 7));
    const last = await readLastMessage(bus.jsm, stream(), bus.topology.statusSubject('n1'), CONTRACTS.nodeStatus);
    expect(last?.value.version).toBe(2);
    const all = await readLastPerSubject(bus.jsm, stream(), bus.topology.streams.status.subjects, CONTRACTS.nodeStatus);
    expect([...all.values()].map((m) => [m.value.node, m.value.version])).toEqual([
      ['n1', 2],
      ['n2', 7],
    ]);
    expect(await readLastMessage(bus.jsm, stream(), bus.topology.statusSubject('nobody'), CONTRACTS.nodeStatus)).toBeUndefined();
    // The same through a direct get (what a node identity is allowed to do).
    const direct = await readLastMessage(bus.jsm, stream(), bus.topology.statusSubject('n1'), CONTRACTS.nodeStatus, { direct: true });
    expect([direct?.value.version, direct?.seq, direct?.subject]).toEqual([2, last?.seq, bus.topology.statusSubject('n1')]);
    expect(await readLastMessage(bus.jsm, stream(), bus.topology.statusSubject('nobody'), CONTRACTS.nodeStatus, { direct: true })).toBeUndefined();
  });

  it('refuses to publish a payload that breaks its contract', async () => {
    const bad = { ...status('n3', 1), version: -1 };
    await expect(publishContract(bus.js, bus.topology.statusSubject('n3'), CONTRACTS.nodeStatus, bad)).rejects.toBeInstanceOf(ContractViolation);
    expect(await readLastMessage(bus.jsm, stream(), bus.topology.statusSubject('n3'), CONTRACTS.nodeStatus)).toBeUndefined();
  });

  it('stores a retried msgID once', async () => {
    const subject = bus.topology.statusSubject('n4');
    const a = await publishContract(bus.js, subject, CONTRACTS.nodeStatus, status('n4', 1), { msgID: 'same' });
    const b = await publishContract(bus.js, subject, CONTRACTS.nodeStatus, status('n4', 1), { msgID: 'same' });
    expect(a.duplicate).toBe(false);
    expect(b.duplicate).toBe(true);
    expect(b.seq).toBe(a.seq);
  });

  it('compare-and-set on the subject sequence detects a concurrent writer', async () => {
    const subject = bus.topology.statusSubject('n5');
    const first = await publishContract(bus.js, subject, CONTRACTS.nodeStatus, status('n5', 1), { expectLastSubjectSequence: 0 });
    const lost = await publishContract(bus.js, subject, CONTRACTS.nodeStatus, status('n5', 2), { expectLastSubjectSequence: 0 }).catch((e) => e);
    expect(isWrongLastSequence(lost)).toBe(true);
    await publishContract(bus.js, subject, CONTRACTS.nodeStatus, status('n5', 3), { expectLastSubjectSequence: first.seq });
    expect((await readLastMessage(bus.jsm, stream(), subject, CONTRACTS.nodeStatus))?.value.version).toBe(3);
  });

  it('skips stored messages that break the contract when reading all subjects', async () => {
    await bus.js.publish(bus.topology.statusSubject('n6'), encodeJson({ node: 'n6', garbage: true }));
    await expect(readLastMessage(bus.jsm, stream(), bus.topology.statusSubject('n6'), CONTRACTS.nodeStatus)).rejects.toBeInstanceOf(ContractViolation);
    const all = await readLastPerSubject(bus.jsm, stream(), bus.topology.streams.status.subjects, CONTRACTS.nodeStatus);
    expect(all.has(bus.topology.statusSubject('n6'))).toBe(false);
    expect(all.has(bus.topology.statusSubject('n1'))).toBe(true);
  });
});

describe('readLastHeadersPerSubject (real NATS)', () => {
  let bus: IsolatedBus;
  beforeAll(async () => {
    bus = await isolatedBus({ name: 'headers-spec' });
  });
  afterAll(() => bus.destroy());

  it('returns the latest headers and sequence per subject without payloads', async () => {
    const stream = bus.topology.streams.status.name;
    const filter = bus.topology.streams.status.subjects;
    expect((await readLastHeadersPerSubject(bus.js, bus.jsm, stream, filter)).size).toBe(0);
    await publishContract(bus.js, bus.topology.statusSubject('n1'), CONTRACTS.nodeStatus, status('n1', 1), { headers: { 'Sdn-Tag': 'a' } });
    const last = await publishContract(bus.js, bus.topology.statusSubject('n1'), CONTRACTS.nodeStatus, status('n1', 2), { headers: { 'Sdn-Tag': 'b' } });
    await publishContract(bus.js, bus.topology.statusSubject('n2'), CONTRACTS.nodeStatus, status('n2', 1), { headers: { 'Sdn-Tag': 'c' } });
    const got = await readLastHeadersPerSubject(bus.js, bus.jsm, stream, filter);
    expect([...got.values()].map((h) => [h.subject, h.headers['Sdn-Tag']])).toEqual([
      [bus.topology.statusSubject('n1'), 'b'],
      [bus.topology.statusSubject('n2'), 'c'],
    ]);
    expect(got.get(bus.topology.statusSubject('n1'))?.seq).toBe(last.seq);
    // The helper cleans up its ephemeral consumer.
    expect((await bus.jsm.consumers.list(stream).next()).length).toBe(0);
  });
});

import { CONTRACTS, type NodeFactsMessageV1 } from '@sdn/contracts';
import { isolatedBus, type IsolatedBus } from '../testing/isolated-bus';
import { encodeJson } from '../codec/json-codec';
import { silentLogger } from '../log/bus-logger';
import { publishContract } from '../publish/publish-contract';
import { startDurableConsumer, type RunningConsumer } from './durable-consumer';

const facts = (node: string, n: number): NodeFactsMessageV1 => ({ node, facts: { n }, publishedAt: '2026-01-01T00:00:00Z' });

async function until(cond: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('startDurableConsumer (real NATS)', () => {
  let bus: IsolatedBus;
  const running: RunningConsumer[] = [];
  beforeEach(async () => {
    bus = await isolatedBus({ name: 'consumer-spec' });
  });
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
    await bus.destroy();
  });
  const spec = (durable: string) => ({
    stream: bus.topology.streams.facts.name,
    durable,
    filterSubject: bus.topology.streams.facts.subjects,
    contract: CONTRACTS.nodeFacts,
    log: silentLogger,
    ackWaitMs: 2000,
    retryDelayMs: () => 50,
  });
  const pendingOf = async (durable: string) => {
    const i = await bus.jsm.consumers.info(bus.topology.streams.facts.name, durable);
    return i.num_pending + i.num_ack_pending;
  };

  it('hands each valid message to the handler and acks it', async () => {
    const seen: string[] = [];
    running.push(await startDurableConsumer(bus.js, bus.jsm, { ...spec('a'), handle: async (v) => void seen.push(v.node) }));
    await publishContract(bus.js, bus.topology.factsSubject('n1'), CONTRACTS.nodeFacts, facts('n1', 1));
    await publishContract(bus.js, bus.topology.factsSubject('n2'), CONTRACTS.nodeFacts, facts('n2', 1));
    await until(async () => seen.length === 2 && (await pendingOf('a')) === 0);
    expect(seen).toEqual(['n1', 'n2']);
  });

  it('terminates a message that breaks its contract instead of redelivering it', async () => {
    const seen: string[] = [];
    running.push(await startDurableConsumer(bus.js, bus.jsm, { ...spec('b'), handle: async (v) => void seen.push(v.node) }));
    await bus.js.publish(bus.topology.factsSubject('bad'), encodeJson({ node: 'bad' }));
    await bus.js.publish(bus.topology.factsSubject('worse'), new TextEncoder().encode('not json'));
    await publishContract(bus.js, bus.topology.factsSubject('n1'), CONTRACTS.nodeFacts, facts('n1', 1));
    await until(async () => seen.length === 1 && (await pendingOf('b')) === 0);
    // Longer than ack_wait: a merely unacked message would have come back by now.
    await new Promise((r) => setTimeout(r, 2500));
    expect(seen).toEqual(['n1']);
    const info = await bus.jsm.consumers.info(bus.topology.streams.facts.name, 'b');
    expect(info.num_redelivered).toBe(0);
  });

  it('redelivers a message whose handler failed until it succeeds', async () => {
    let attempts = 0;
    running.push(
      await startDurableConsumer(bus.js, bus.jsm, {
        ...spec('c'),
        handle: async () => {
          attempts++;
          if (attempts < 3) throw new Error('dependency down');
        },
      }),
    );
    await publishContract(bus.js, bus.topology.factsSubject('n1'), CONTRACTS.nodeFacts, facts('n1', 1));
    await until(async () => attempts === 3 && (await pendingOf('c')) === 0);
    expect(attempts).toBe(3);
  });

  it('shares one durable between replicas: each message handled exactly once', async () => {
    const byReplica: Record<string, string[]> = { r1: [], r2: [] };
    for (const r of ['r1', 'r2']) {
      running.push(
        await startDurableConsumer(bus.js, bus.jsm, {
          ...spec('shared'),
          handle: async (v) => {
            byReplica[r].push(v.node);
            await new Promise((res) => setTimeout(res, 20));
          },
        }),
      );
    }
    const nodes = Array.from({ length: 20 }, (_, i) => `n${i}`);
    await Promise.all(nodes.map((n) => publishContract(bus.js, bus.topology.factsSubject(n), CONTRACTS.nodeFacts, facts(n, 1))));
    await until(async () => byReplica.r1.length + byReplica.r2.length === 20 && (await pendingOf('shared')) === 0);
    expect([...byReplica.r1, ...byReplica.r2].sort()).toEqual([...nodes].sort());
    expect(byReplica.r1.length).toBeGreaterThan(0);
    expect(byReplica.r2.length).toBeGreaterThan(0);
  });

  it('resumes after a restart without handling acked messages again', async () => {
    const seen: number[] = [];
    const handle = async (v: NodeFactsMessageV1) => void seen.push(v.facts.n as number);
    const first = await startDurableConsumer(bus.js, bus.jsm, { ...spec('d'), handle });
    await publishContract(bus.js, bus.topology.factsSubject('n1'), CONTRACTS.nodeFacts, facts('n1', 1));
    await until(() => seen.length === 1);
    await first.stop();
    await publishContract(bus.js, bus.topology.factsSubject('n2'), CONTRACTS.nodeFacts, facts('n2', 2));
    running.push(await startDurableConsumer(bus.js, bus.jsm, { ...spec('d'), handle }));
    await until(async () => seen.length === 2 && (await pendingOf('d')) === 0);
    expect(seen).toEqual([1, 2]);
  });
});

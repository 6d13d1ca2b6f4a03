import { randomUUID } from 'node:crypto';
import { CONTRACTS, unpackNodeBundle, type ConfigAppliedV1, type EventEnvelope, type InlineNodeBundleV1, type NodeBundleV1, type NodeBundleVersionV1 } from '@sdn/contracts';
import { decodeJson, isolatedBus, publishContract, scanStream, type Bus, type IsolatedBus } from '@sdn/bus';
import type { RunningConfig } from '@sdn/model';
import { factsMessage } from '../planner/test-fixtures';

/** An isolated bus whose bundle stream keeps history, so tests can see every bundle ever stored. */
export function bundleHistoryBus(name: string): Promise<IsolatedBus> {
  return isolatedBus({ name, adjust: (s) => (s.name.endsWith('SDN_BUNDLES') ? { ...s, max_msgs_per_subject: -1 } : s) });
}

/** Appends a ConfigApplied event the way the event store's relay does (message id = event id). */
export async function publishConfigApplied(bus: Bus, version: number, running: RunningConfig, task?: string): Promise<EventEnvelope<ConfigAppliedV1>> {
  const event: EventEnvelope<ConfigAppliedV1> = {
    id: randomUUID(),
    seq: version,
    type: 'ConfigApplied',
    typeVersion: 1,
    aggregateType: 'config',
    aggregateId: 'running',
    aggregateVersion: version,
    payload: { version, running: running as Record<string, unknown>, task },
    actor: 'root@pam',
    correlationId: randomUUID(),
    time: new Date().toISOString(),
  };
  await publishContract(bus.js, bus.topology.eventSubject('config', 'ConfigApplied'), CONTRACTS.configAppliedEvent, event, { msgID: event.id });
  return event;
}

export async function registerNode(bus: Bus, node: string, ip: string): Promise<void> {
  await publishContract(bus.js, bus.topology.factsSubject(node), CONTRACTS.nodeFacts, factsMessage(node, ip));
}

/** Every bundle stored for `node`, oldest first, as it travelled (packed). */
export async function rawBundleHistory(bus: Bus, node: string): Promise<NodeBundleV1[]> {
  const found = await scanStream(bus.js, bus.jsm, bus.topology.streams.bundles.name, { filter: bus.topology.bundleSubject(node) });
  return found.map((m) => decodeJson(m.data) as NodeBundleV1);
}

/** Every bundle stored for `node`, oldest first, unpacked as the agent reads it. */
export async function bundleHistory(bus: Bus, node: string): Promise<InlineNodeBundleV1[]> {
  return Promise.all((await rawBundleHistory(bus, node)).map((b) => unpackNodeBundle(b)));
}

/** Every version-only message stored for `node`, oldest first. */
export async function versionHistory(bus: Bus, node: string): Promise<(NodeBundleVersionV1 & { seq: number })[]> {
  const found = await scanStream(bus.js, bus.jsm, bus.topology.streams.bundles.name, { filter: bus.topology.bundleVersionSubject(node) });
  return found.map((m) => ({ ...(decodeJson(m.data) as NodeBundleVersionV1), seq: m.seq }));
}

/**
 * The versions `node` was told to run, in the order they were stored: full
 * bundles and version-only messages alike.
 */
export async function appliedVersions(bus: Bus, node: string): Promise<number[]> {
  const full = await scanStream(bus.js, bus.jsm, bus.topology.streams.bundles.name, { filter: bus.topology.bundleSubject(node) });
  const all = [...full.map((m) => ({ seq: m.seq, version: (decodeJson(m.data) as NodeBundleV1).version })), ...(await versionHistory(bus, node))];
  return all.sort((a, b) => a.seq - b.seq).map((m) => m.version);
}

/** Resolves when the durable has nothing pending nor unacked. */
export async function drained(bus: Bus, stream: string, durable: string, timeoutMs = 20_000): Promise<void> {
  await until(async () => {
    const i = await bus.jsm.consumers.info(stream, durable).catch(() => undefined);
    return !!i && i.num_pending === 0 && i.num_ack_pending === 0;
  }, timeoutMs);
}

export async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

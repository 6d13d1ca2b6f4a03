import { randomBytes } from 'node:crypto';
import { busConfig } from '@sdn/config';
import { connectBus, type Bus } from '../connection/connect-bus';
import { silentLogger, type BusLogger } from '../log/bus-logger';
import { ensureStreams, sdnStreamSpecs, type StreamSpec } from '../streams/ensure-streams';
import { busTopology } from '../topology/bus-topology';

export interface IsolatedBus extends Bus {
  /** Deletes the namespace's streams (their consumers, its KV buckets) and closes the connection. */
  destroy(): Promise<void>;
}

/**
 * A bus on the real NATS server with its own namespace (fresh stream names and
 * subjects), so tests run in parallel with each other and with a running
 * installation without seeing each other's messages.
 */
export async function isolatedBus(opts: { name: string; log?: BusLogger; adjust?(spec: StreamSpec): StreamSpec }): Promise<IsolatedBus> {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  const topology = busTopology(namespace);
  // The NATS of the environment (a test run may point SDN_NATS_URL elsewhere); its namespace is ours.
  const { url, credentials } = busConfig();
  const bus = await connectBus({ name: opts.name, url, credentials, topology, log: opts.log ?? silentLogger });
  const specs = sdnStreamSpecs(topology).map((s) => (opts.adjust ? opts.adjust(s) : s));
  await ensureStreams(bus.jsm, specs);
  return {
    ...bus,
    async destroy() {
      for (const s of specs) await bus.jsm.streams.delete(s.name).catch(() => undefined);
      // KV buckets a service made under the namespace (streams `KV_<NS>_…`, e.g. the DNS order fence).
      const kvPrefix = `KV_${namespace.toUpperCase()}_`;
      const names: string[] = [];
      for await (const n of bus.jsm.streams.names()) if (n.startsWith(kvPrefix)) names.push(n);
      for (const n of names) await bus.jsm.streams.delete(n).catch(() => undefined);
      await bus.close();
    },
  };
}

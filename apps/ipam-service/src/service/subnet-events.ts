import type { EntityManager } from 'typeorm';
import type { JsMsg } from 'nats';
import { CONTRACTS, type EventEnvelope } from '@sdn/contracts';
import { startDurableConsumer, type Bus, type RunningConsumer } from '@sdn/bus';
import { dhcpRanges, IpamError, NetboxPlugin, PhpIpamPlugin, registerSubnet, unregisterSubnet, updateSubnet, type IpamPlugin, type IpamSubnet } from '@sdn/ipam';
import { revealSecret, type SecretBox } from '@sdn/secrets';
import { IpamRpc } from './ipam-rpc';
import type { SubnetSync } from './subnet-sync';

/**
 * Object event payloads as written by libs/event-store (ObjectCreatedV1/ObjectUpdatedV1/
 * ObjectDeletedV1): `{id, object}`. A subnet id is `<zone>-<address>-<len>`.
 */
interface ObjectPayload {
  id: string;
  object?: Record<string, unknown>;
}
type Q = Pick<EntityManager, 'query'>;

export function parseSubnetId(id: string): { zone: string; cidr: string } {
  const first = id.indexOf('-');
  const last = id.lastIndexOf('-');
  return { zone: id.slice(0, first), cidr: `${id.slice(first + 1, last)}/${id.slice(last + 1)}` };
}

/** Zones and IPAM objects as of a stream position (see migration 1764300000002). */
export class ConfigHistory {
  constructor(private readonly db: Q) {}

  async record(section: string, id: string, streamSeq: number, object: Record<string, unknown> | null): Promise<void> {
    await this.db.query(`INSERT INTO sdn_config_history (section, id, stream_seq, object) VALUES ($1,$2,$3,$4::jsonb) ON CONFLICT DO NOTHING`, [section, id, streamSeq, object === null ? null : JSON.stringify(object)]);
  }

  /** The object as it was just before `streamSeq`; undefined when it did not exist then. */
  async asOf(section: string, id: string, streamSeq: number): Promise<Record<string, unknown> | undefined> {
    const r = await this.db.query(`SELECT object FROM sdn_config_history WHERE section=$1 AND id=$2 AND stream_seq < $3 ORDER BY stream_seq DESC LIMIT 1`, [section, id, streamSeq]);
    return r[0]?.object ?? undefined;
  }
}

export type PluginFactory = (ipamId: string, ipam: Record<string, unknown>) => IpamPlugin;

/** phpIPAM / NetBox plugin of an IPAM object; the token is stored sealed and opened only here. */
export function externalPlugin(secrets: SecretBox | undefined): PluginFactory {
  return (id, o) => {
    const token = revealSecret(o.token, secrets) ?? '';
    if (o.type === 'phpipam') return new PhpIpamPlugin({ url: String(o.url), token, section: Number(o.section) });
    if (o.type === 'netbox') return new NetboxPlugin({ url: String(o.url), token });
    throw new IpamError(`ipam '${id}' has unsupported type '${String(o.type)}'`);
  };
}

export interface SubnetConsumerOptions {
  pluginFor: PluginFactory;
  /** Changes registered ahead at the API's request: claimed instead of registered again, and swept. */
  sync?: SubnetSync;
  /** A record no event claimed is repaired after this long (default 2 min), checked every `sweepEveryMs` (30 s). */
  syncMaxAgeMs?: number;
  sweepEveryMs?: number;
  /** How long a subnet event waits for the zone/IPAM consumers to reach its position before it is retried. */
  catchUpMs?: number;
}

/**
 * Subnet lifecycle (§6.1) in the IPAM of the subnet's zone, and nothing for a zone without
 * `ipam`. Zones and IPAM objects arrive on their own durables (NATS 2.9 has one filter per
 * consumer) and are kept per stream sequence; a subnet event first waits until both have
 * handled everything before it, then reads them as of its own sequence — so it sees exactly
 * the configuration that existed when the API wrote it, whatever the consumers' pace.
 */
export async function consumeSubnetEvents(bus: Bus, rpc: IpamRpc, db: Q, opts: SubnetConsumerOptions): Promise<RunningConsumer> {
  const history = new ConfigHistory(db);
  const stream = bus.topology.streams.events.name;
  const recordOf = (section: string) => async (env: EventEnvelope, msg: JsMsg) => {
    const p = env.payload as ObjectPayload;
    await history.record(section, p.id, msg.seq, env.type.endsWith('Deleted') ? null : (p.object ?? {}));
  };
  const durables = { zones: 'ipam-service-zones', ipams: 'ipam-service-ipams' };
  const consumers = [
    await startDurableConsumer<EventEnvelope>(bus.js, bus.jsm, { stream, durable: durables.zones, filterSubject: bus.topology.eventSubject('zone', '>'), contract: CONTRACTS.event, log: bus.log, handle: recordOf('zones') }),
    await startDurableConsumer<EventEnvelope>(bus.js, bus.jsm, { stream, durable: durables.ipams, filterSubject: bus.topology.eventSubject('ipam', '>'), contract: CONTRACTS.event, log: bus.log, handle: recordOf('ipams') }),
  ];

  const caughtUp = async (seq: number) => {
    for (const d of Object.values(durables)) {
      const i = await bus.jsm.consumers.info(stream, d);
      if (!(i.ack_floor.stream_seq >= seq || (i.num_pending === 0 && i.num_ack_pending === 0))) return false;
    }
    return true;
  };
  const waitCaughtUp = async (seq: number) => {
    const end = Date.now() + (opts.catchUpMs ?? 5000);
    while (!(await caughtUp(seq))) {
      if (Date.now() > end) throw new Error(`zone/ipam events before stream seq ${seq} are not handled yet`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const subnets = await startDurableConsumer<EventEnvelope>(bus.js, bus.jsm, {
    stream,
    durable: 'ipam-service-subnets',
    filterSubject: bus.topology.eventSubject('subnet', '>'),
    contract: CONTRACTS.event,
    log: bus.log,
    handle: async (env, msg) => {
      const p = env.payload as ObjectPayload;
      const { zone, cidr } = parseSubnetId(p.id);
      const deleted = env.type === 'SubnetDeleted';
      await waitCaughtUp(msg.seq);
      const old = await history.asOf('subnets', p.id, msg.seq);
      await history.record('subnets', p.id, msg.seq, deleted ? null : (p.object ?? {}));
      // A delete carries no object: the vnet (gateway hostname) comes from the last version.
      const object = deleted ? old : p.object;
      const vnet = String(object?.vnet ?? '');
      const ipamId = (await history.asOf('zones', zone, msg.seq))?.ipam;
      if (typeof ipamId !== 'string' || !ipamId) return; // §6.1: only zones with an `ipam`
      // The built-in IPAM exists implicitly (§1.12), without an IpamCreated event.
      const ipam = (await history.asOf('ipams', ipamId, msg.seq)) ?? (ipamId === 'pve' ? { type: 'pve' } : undefined);
      if (!ipam) {
        // The API refuses such a zone; retrying would never succeed, so say so and move on.
        bus.log.error('subnet event for a zone whose ipam does not exist; skipped', { subnet: p.id, zone, vnet, ipam: ipamId, seq: msg.seq, eventId: env.id, correlationId: env.correlationId });
        return;
      }

      if (ipam.type === 'pve') {
        if (deleted) {
          await rpc.onSubnet('SubnetDeleted', zone, vnet, cidr).catch((e: Error) => {
            // Already gone is fine on redelivery; anything else is retried.
            if (!/not found/.test(e.message)) throw e;
          });
          return;
        }
        await rpc.onSubnet(env.type, zone, vnet, cidr, object?.gateway as string | undefined, env.correlationId);
        return;
      }
      // Handled to the end before (a lost ack): the IPAM calls would now fail as "already exists".
      if (await rpc.externalSubnetDone(env.id)) return;
      const op = deleted ? 'delete' : old && env.type === 'SubnetUpdated' ? 'update' : 'create';
      const changed = deleted ? old : object;
      // Done at the API's request: the record is claimed with the gateway's events below, so a crash
      // in between finds it again instead of registering a second time.
      const ahead = opts.sync ? await opts.sync.registered(p.id, op, changed) : false;
      if (!ahead) {
        const plugin = opts.pluginFor(ipamId, ipam);
        const subnet = (o: Record<string, unknown> | undefined): IpamSubnet => ({ id: p.id, zone, cidr, gateway: o?.gateway as string | undefined, dhcpRanges: dhcpRanges(o) });
        if (deleted) await unregisterSubnet(plugin, subnet(old));
        else if (op === 'update') await updateSubnet(plugin, subnet(object), subnet(old), vnet, (m) => bus.log.warn(m, { subnet: p.id, zone, vnet, seq: msg.seq, eventId: env.id, correlationId: env.correlationId }));
        else await registerSubnet(plugin, subnet(object), vnet);
      }
      const gatewayOf = (o: Record<string, unknown> | undefined) => o && { vnet: String(o.vnet ?? ''), gateway: o.gateway as string | undefined };
      await rpc.onExternalSubnet(
        { eventId: env.id, type: env.type, zone, cidr, subnetId: p.id, correlationId: env.correlationId },
        deleted ? undefined : gatewayOf(object),
        // A create has no previous version to move from, even when the history has one (re-created subnet).
        op === 'create' ? undefined : gatewayOf(old),
        ahead ? (m) => opts.sync!.claim(p.id, op, changed, m) : undefined,
      );
    },
  });

  const idle = async () => {
    const i = await bus.jsm.consumers.info(stream, 'ipam-service-subnets');
    return i.num_pending === 0 && i.num_ack_pending === 0;
  };
  let sweeping = Promise.resolve();
  const sweeper = opts.sync
    ? setInterval(() => {
        sweeping = sweeping
          .then(() => opts.sync!.sweep(opts.syncMaxAgeMs ?? 120_000, idle, history))
          .then(() => undefined, (e: Error) => bus.log.warn('subnet sync sweep failed; will retry', { error: e.message }));
      }, opts.sweepEveryMs ?? 30_000)
    : undefined;
  sweeper?.unref();

  return {
    done: Promise.all([subnets.done, ...consumers.map((c) => c.done)]).then(() => undefined),
    async stop() {
      if (sweeper) clearInterval(sweeper);
      await sweeping;
      await subnets.stop();
      for (const c of consumers) await c.stop();
    },
  };
}

import { CONTRACTS, type EventEnvelope } from '@sdn/contracts';
import { startDurableConsumer, type Bus, type RunningConsumer } from '@sdn/bus';
import { IpamRpc } from './ipam-rpc';
import { PveIpamStore } from '../pve/pve-ipam.store';

/**
 * Payload as written by libs/event-store (ObjectCreatedV1/ObjectUpdatedV1/ObjectDeletedV1):
 * `{id, object}` with the subnet id `<zone>-<address>-<len>`. The zone is taken from the id;
 * the zone's IPAM is assumed to be the built-in `pve` one (zone→ipam projection not wired yet).
 */
interface SubnetPayload {
  id: string;
  object?: { vnet?: string; gateway?: string; zone?: string };
}

export function parseSubnetId(id: string): { zone: string; cidr: string } {
  const first = id.indexOf('-');
  const last = id.lastIndexOf('-');
  return { zone: id.slice(0, first), cidr: `${id.slice(first + 1, last)}/${id.slice(last + 1)}` };
}

export async function consumeSubnetEvents(bus: Bus, rpc: IpamRpc, store: PveIpamStore): Promise<RunningConsumer> {
  return startDurableConsumer<EventEnvelope>(bus.js, bus.jsm, {
    stream: bus.topology.streams.events.name,
    durable: 'ipam-service-subnets',
    filterSubject: bus.topology.eventSubject('subnet', '>'),
    contract: CONTRACTS.event,
    log: bus.log,
    handle: async (env) => {
      const p = env.payload as SubnetPayload;
      const { zone, cidr } = parseSubnetId(p.id);
      const vnet = p.object?.vnet ?? '';
      if (env.type === 'SubnetDeleted') {
        await rpc.onSubnet('SubnetDeleted', zone, vnet, cidr).catch((e: Error) => {
          // Already gone is fine on redelivery; anything else is retried.
          if (!/not found/.test(e.message)) throw e;
        });
        return;
      }
      const old = await store.gatewayOf(zone, cidr);
      await rpc.onSubnet(env.type, zone, vnet, cidr, p.object?.gateway, old);
    },
  });
}

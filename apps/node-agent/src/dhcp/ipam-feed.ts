import type { Msg, NatsConnection } from 'nats';
import { IP_EVENT_TYPES, type BusTopology } from '@sdn/bus';
import { IPAM_PATTERNS, ipamDhcpLeaseSubject } from '@sdn/contracts';
import { ipamRpcSubject, type DhcpLeaseRequest, type DhcpLeaseResult, type RpcResult } from '@sdn/ipam';
import type { IpamAddress } from './reservations';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The zone's addresses as the IPAM service lists them (its request/reply pattern, bare JSON like the API's IpamClient). */
export async function ipamZoneAddresses(nc: NatsConnection, topology: BusTopology, zone: string): Promise<IpamAddress[]> {
  const m = await nc.request(ipamRpcSubject(topology.namespace, IPAM_PATTERNS.list), enc.encode(JSON.stringify({ zone })), { timeout: 10_000 });
  const r = JSON.parse(dec.decode(m.data)) as RpcResult<IpamAddress[]>;
  if (!r.ok) throw new Error(r.error);
  return r.data;
}

/** A lease event of this node's DHCP servers, on the node's own subject (the only IPAM change a node may ask for). */
export async function reportDhcpLease(nc: NatsConnection, topology: BusTopology, node: string, r: DhcpLeaseRequest): Promise<DhcpLeaseResult> {
  const m = await nc.request(ipamRpcSubject(topology.namespace, ipamDhcpLeaseSubject(node)), enc.encode(JSON.stringify(r)), { timeout: 10_000 });
  const res = JSON.parse(dec.decode(m.data)) as RpcResult<DhcpLeaseResult>;
  if (!res.ok) throw new Error(res.error);
  return res.data;
}

/**
 * Calls `changed(zone)` for every IP event (allocated, updated, released)
 * as it is published. A core subscription: an event missed while
 * disconnected is caught by the agent's periodic sync.
 */
export function watchIpEvents(nc: NatsConnection, topology: BusTopology, changed: (zone: string) => void): () => void {
  const callback = (_e: unknown, m: Msg) => {
    try {
      const zone = (JSON.parse(dec.decode(m.data)) as { payload?: { zone?: unknown } }).payload?.zone;
      if (typeof zone === 'string') changed(zone);
    } catch {
      /* not an event envelope: nothing to sync */
    }
  };
  // One subject per event type: a node identity may subscribe to exactly these (natsPermissions).
  const subs = IP_EVENT_TYPES.map((type) => nc.subscribe(topology.eventSubject('ip', type), { callback }));
  return () => subs.forEach((s) => s.unsubscribe());
}

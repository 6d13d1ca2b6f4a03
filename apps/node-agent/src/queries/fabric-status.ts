import type { FabricInterfaceV1, FabricNeighborV1, FabricRouteV1 } from '@sdn/contracts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * A fabric's live state from FRR's JSON, as the reference reports it
 * (proxmox-ve-rs `sdn::status`): FRR's route and OSPF output does not name
 * the fabric, so a route or OSPF neighbor/interface belongs to the fabric
 * when it goes out of one of the node's fabric interfaces or `dummy_<fabric>`;
 * OpenFabric's neighbor and interface output is per area, and the area is
 * the fabric's name.
 */
export function fabricInterfaceSet(fabric: string, interfaces: string[]): Set<string> {
  return new Set([...interfaces, `dummy_${fabric}`]);
}

/**
 * Routes of `show ip[v6] route <protocol> json` (prefix → entries): a prefix
 * with an installed entry whose next hop leaves through a fabric interface,
 * with every next hop of every entry (address, else interface, else
 * `unreachable`).
 */
export function fabricRoutes(json: unknown, ifaces: Set<string>): FabricRouteV1[] {
  if (!isObject(json)) return [];
  const out: FabricRouteV1[] = [];
  for (const [prefix, entries] of Object.entries(json)) {
    const routes = list(entries).filter(isObject);
    const belongs = routes.some((r) => r.installed === true && list(r.nexthops).some((nh) => isObject(nh) && ifaces.has(str(nh.interfaceName) ?? '')));
    if (!belongs) continue;
    const via: string[] = [];
    for (const r of routes) {
      for (const nh of list(r.nexthops)) {
        if (!isObject(nh)) continue;
        const hop = str(nh.ip) ?? str(nh.interfaceName) ?? (nh.unreachable === true ? 'unreachable' : undefined);
        if (hop !== undefined) via.push(hop);
      }
    }
    out.push({ route: prefix, via });
  }
  return out;
}

/** The circuits of the fabric's area in `show openfabric neighbor detail json` / `show openfabric interface json`. */
function openfabricCircuits(json: unknown, fabric: string): Json[] {
  if (!isObject(json)) return [];
  return list(json.areas)
    .filter((a): a is Json => isObject(a) && a.area === fabric)
    .flatMap((a) => list(a.circuits).filter(isObject));
}

/** `show openfabric neighbor detail json`: each adjacency of the fabric's area (hostname, state, time since the last change). */
export function openfabricNeighbors(json: unknown, fabric: string): FabricNeighborV1[] {
  const out: FabricNeighborV1[] = [];
  for (const c of openfabricCircuits(json, fabric)) {
    const adj = str(c.adj);
    if (adj === undefined || !isObject(c.interface)) continue;
    const state = str(c.interface.state);
    if (state === undefined) continue;
    out.push({ neighbor: adj, status: state, uptime: str(c.interface['last-ago']) ?? '' });
  }
  return out;
}

/** `show openfabric interface json`: each circuit of the fabric's area. */
export function openfabricInterfaces(json: unknown, fabric: string): FabricInterfaceV1[] {
  const out: FabricInterfaceV1[] = [];
  for (const c of openfabricCircuits(json, fabric)) {
    if (!isObject(c.interface)) continue;
    const name = str(c.interface.name);
    if (name === undefined) continue;
    out.push({ name, type: str(c.interface.type) ?? '', state: str(c.interface.state) ?? '' });
  }
  return out;
}

/**
 * `show ip ospf neighbor json` (router-id → neighbor entries): for each
 * router, its first entry on a fabric interface (`ifaceName` is
 * `<interface>:<local address>`), named by the neighbor's interface address.
 */
export function ospfNeighbors(json: unknown, ifaces: Set<string>): FabricNeighborV1[] {
  if (!isObject(json) || !isObject(json.neighbors)) return [];
  const out: FabricNeighborV1[] = [];
  for (const entries of Object.values(json.neighbors)) {
    const n = list(entries).find((e): e is Json => {
      const name = isObject(e) ? str(e.ifaceName) : undefined;
      const colon = name?.indexOf(':') ?? -1;
      return colon > 0 && ifaces.has(name!.slice(0, colon));
    });
    if (n) out.push({ neighbor: str(n.ifaceAddress) ?? '', status: str(n.nbrState) ?? str(n.state) ?? '', uptime: str(n.upTime) ?? '' });
  }
  return out;
}

/** `show ip ospf interface json`: the fabric's interfaces, up or down, with their OSPF network type. */
export function ospfInterfaces(json: unknown, ifaces: Set<string>): FabricInterfaceV1[] {
  if (!isObject(json) || !isObject(json.interfaces)) return [];
  const out: FabricInterfaceV1[] = [];
  for (const [name, i] of Object.entries(json.interfaces)) {
    if (!ifaces.has(name) || !isObject(i)) continue;
    out.push({ name, type: str(i.networkType) ?? '', state: i.ifUp === true ? 'up' : 'down' });
  }
  return out;
}

/**
 * The raw FRR configuration tree (rendering.md §2.2). Generators fill it,
 * the local merge (§2.7) appends to it, and `serialize.ts` prints it. Maps are
 * plain records: the serializer always walks them in byte order of their keys,
 * so insertion order never leaks into the output.
 */

export type Action = 'permit' | 'deny';

export interface AfNeighbor {
  name: string;
  softReconfigurationInbound?: boolean;
  routeMapIn?: string;
  routeMapOut?: string;
}

export interface Redistribute {
  protocol: string;
  metric?: number;
  routeMap?: string;
}

export interface UnicastFamily {
  networks: string[];
  importVrfs: string[];
  neighbors: AfNeighbor[];
  redistribute: Redistribute[];
  custom: string[];
}

export interface EvpnFamily {
  importVrfs: string[];
  neighbors: AfNeighbor[];
  advertiseAllVni?: boolean;
  advertiseDefaultGw?: boolean;
  autortAs?: string;
  defaultOriginate: ('ipv4' | 'ipv6')[];
  advertiseIpv4Unicast?: boolean;
  advertiseIpv6Unicast?: boolean;
  routeTargetImport: string[];
  routeTargetExport: string[];
  routeTargetBoth: string[];
  custom: string[];
}

/** Keys are the family names with `_` for spaces, as the local merge addresses them. */
export interface AddressFamilies {
  ipv4_unicast?: UnicastFamily;
  ipv6_unicast?: UnicastFamily;
  l2vpn_evpn?: EvpnFamily;
}
export type FamilyKey = keyof AddressFamilies;
export const FAMILY_ORDER: readonly FamilyKey[] = ['ipv4_unicast', 'ipv6_unicast', 'l2vpn_evpn'];

export interface PeerGroup {
  name: string;
  /** `external`, or an ASN as configured. */
  remoteAs: string;
  bfd: boolean;
  ebgpMultihop?: number;
  updateSource?: string;
  ips: string[];
  interfaces: string[];
}

export interface BgpRouter {
  /** ASN as configured (text); the merge compares it textually, the serializer prints it as a number. */
  asn: string;
  routerId: string;
  /** Tri-state flags: only an explicit `false` prints a `no …` line. */
  hardAdministrativeReset?: boolean;
  defaultIpv4Unicast?: boolean;
  coalesceTime?: number;
  gracefulRestartNotification?: boolean;
  disableEbgpConnectedRouteCheck?: boolean;
  bestpathAsPathMultipathRelax?: boolean;
  peerGroups: PeerGroup[];
  custom: string[];
  families: AddressFamilies;
}

export interface StaticRoute {
  prefix: string;
  /** Next hop address, or a keyword such as `null0`. */
  via: string;
  /** Trailing word: the VRF or device the next hop lives in. */
  vrf?: string;
}

export interface Vrf {
  vni?: string;
  ipRoutes: StaticRoute[];
  custom: string[];
}

export interface IsisRouter {
  net: string;
  redistributeIpv4Connected?: string;
  redistributeIpv6Connected?: string;
  logAdjacencyChanges: boolean;
  custom: string[];
}

export interface IsisInterface {
  domain: string;
  ipv4: boolean;
  ipv6: boolean;
  custom: string[];
}

export interface PrefixListRule {
  seq?: number;
  action: Action;
  network: string;
  le?: number;
  ge?: number;
}

export interface AccessListRule {
  seq?: number;
  action: Action;
  network: string;
}

export type RouteMapMatch =
  | { kind: 'ip-prefix-list'; value: string }
  | { kind: 'ipv6-prefix-list'; value: string }
  | { kind: 'ip-address'; value: string }
  | { kind: 'ip-next-hop'; value: string };

export interface RouteMapSet {
  field: 'metric' | 'src' | 'local-preference' | 'community';
  value: string;
}

export interface RouteMapEntry {
  action: Action;
  /** Assigned by the renumbering (§2.7) or, for fabric maps, at creation. */
  seq?: number;
  matches: RouteMapMatch[];
  sets: RouteMapSet[];
  custom: string[];
}

export interface ProtocolRouteMap {
  v4?: string;
  v6?: string;
}

export interface OpenfabricRouter {
  net: string;
}

export interface OpenfabricInterface {
  fabric: string;
  ipv4: boolean;
  ipv6: boolean;
  passive?: boolean;
  helloInterval?: number;
  helloMultiplier?: number;
  csnpInterval?: number;
}

export interface OspfRouter {
  routerId: string;
}

export interface OspfInterface {
  area: string;
  passive?: boolean;
  pointToPoint?: boolean;
}

export interface FrrTree {
  vrfs: Record<string, Vrf>;
  /** BGP routers by VRF name; the main router is `default`. */
  routers: Record<string, BgpRouter>;
  isisRouters: Record<string, IsisRouter>;
  isisInterfaces: Record<string, IsisInterface>;
  prefixLists: Record<string, PrefixListRule[]>;
  routeMaps: Record<string, RouteMapEntry[]>;
  protocolRouteMaps: Record<string, ProtocolRouteMap>;
  ipRoutes: StaticRoute[];
  accessLists: Record<string, AccessListRule[]>;
  /** Raw lines from `frr.conf.local`, printed verbatim. */
  custom: string[];
  openfabric: { routers: Record<string, OpenfabricRouter>; interfaces: Record<string, OpenfabricInterface> };
  ospf: { router?: OspfRouter; interfaces: Record<string, OspfInterface> };
}

export const DEFAULT_VRF = 'default';

export function emptyTree(): FrrTree {
  return {
    vrfs: {},
    routers: {},
    isisRouters: {},
    isisInterfaces: {},
    prefixLists: {},
    routeMaps: {},
    protocolRouteMaps: {},
    ipRoutes: [],
    accessLists: {},
    custom: [],
    openfabric: { routers: {}, interfaces: {} },
    ospf: { interfaces: {} },
  };
}

export function newRouter(asn: string, routerId: string): BgpRouter {
  return { asn, routerId, peerGroups: [], custom: [], families: {} };
}

export function unicastFamily(router: BgpRouter, key: 'ipv4_unicast' | 'ipv6_unicast'): UnicastFamily {
  return (router.families[key] ??= { networks: [], importVrfs: [], neighbors: [], redistribute: [], custom: [] });
}

export function evpnFamily(router: BgpRouter): EvpnFamily {
  return (router.families.l2vpn_evpn ??= {
    importVrfs: [],
    neighbors: [],
    defaultOriginate: [],
    routeTargetImport: [],
    routeTargetExport: [],
    routeTargetBoth: [],
    custom: [],
  });
}

export function vrfEntry(tree: FrrTree, name: string): Vrf {
  return (tree.vrfs[name] ??= { ipRoutes: [], custom: [] });
}

export function routeMapEntry(action: Action, matches: RouteMapMatch[] = [], sets: RouteMapSet[] = []): RouteMapEntry {
  return { action, matches, sets, custom: [] };
}

export function appendRouteMap(tree: FrrTree, name: string, ...entries: RouteMapEntry[]): void {
  (tree.routeMaps[name] ??= []).push(...entries);
}

export function prependRouteMap(tree: FrrTree, name: string, ...entries: RouteMapEntry[]): void {
  tree.routeMaps[name] = [...entries, ...(tree.routeMaps[name] ?? [])];
}

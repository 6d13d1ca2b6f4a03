import type { MacVrfRouteV1, VrfRouteV1 } from '@sdn/contracts';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The installed routes of `show ip route vrf <vrf> json` (an object of
 * prefix → route entries), as the reference reports them: prefix, metric,
 * protocol, and the next hops by address or, for connected routes, by
 * interface, each once.
 */
export function vrfRoutes(json: unknown): VrfRouteV1[] {
  if (!isObject(json)) return [];
  const out: VrfRouteV1[] = [];
  for (const [prefix, entries] of Object.entries(json)) {
    if (!Array.isArray(entries)) continue;
    for (const r of entries) {
      if (!isObject(r) || r.installed !== true) continue;
      const hops: string[] = [];
      for (const nh of Array.isArray(r.nexthops) ? r.nexthops : []) {
        if (!isObject(nh)) continue;
        const hop = typeof nh.ip === 'string' ? nh.ip : typeof nh.interfaceName === 'string' ? nh.interfaceName : undefined;
        if (hop !== undefined && !hops.includes(hop)) hops.push(hop);
      }
      out.push({ ip: typeof r.prefix === 'string' ? r.prefix : prefix, metric: Number(r.metric ?? 0), protocol: String(r.protocol ?? ''), nexthops: hops });
    }
  }
  return out;
}

/** FRR has written `bestpath` as `true` and, later, as `{"overall": true, …}`. */
function isBest(path: Json): boolean {
  const b = path.bestpath;
  return b === true || (isObject(b) && b.overall === true);
}

/**
 * The best paths of `show bgp l2vpn evpn route vni <vni> type 2 json`
 * (prefix → `{paths}`, beside counters such as `numPrefix`): the MAC, its
 * IP when the route carries one, and the VTEP it is reached through.
 */
export function macVrfRoutes(json: unknown): MacVrfRouteV1[] {
  if (!isObject(json)) return [];
  const out: MacVrfRouteV1[] = [];
  for (const entry of Object.values(json)) {
    if (!isObject(entry) || !Array.isArray(entry.paths)) continue;
    // A list of paths per prefix, or (older releases) a list of lists.
    const paths = (entry.paths as unknown[]).flatMap((p) => (Array.isArray(p) ? p : [p]));
    for (const p of paths) {
      if (!isObject(p) || !isBest(p) || typeof p.mac !== 'string') continue;
      const hop = Array.isArray(p.nexthops) ? p.nexthops.find((n): n is Json => isObject(n) && typeof n.ip === 'string') : undefined;
      const route: MacVrfRouteV1 = { mac: p.mac, nexthop: hop ? String(hop.ip) : '' };
      if (typeof p.ip === 'string' && p.ip !== '') route.ip = p.ip;
      out.push(route);
    }
  }
  return out;
}

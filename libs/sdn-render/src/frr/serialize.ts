import { sortedKeys } from '@sdn/model';
import { canonicalIp, canonicalIpv4, canonicalPrefix, FrrValueError, isIpv4, isIpv6, prefixIsIpv6 } from './ip';
import {
  FAMILY_ORDER,
  type AfNeighbor,
  type BgpRouter,
  type EvpnFamily,
  type FrrTree,
  type RouteMapEntry,
  type RouteMapMatch,
  type StaticRoute,
  type UnicastFamily,
} from './tree';

/**
 * The body lines of frr.conf, in the fixed section order of rendering.md
 * §2.5. Every block starts with its own `!` line because the frame (§2.1)
 * adds none between the header and the body.
 */
export function serializeTree(tree: FrrTree): string[] {
  const out: string[] = [];
  vrfs(tree, out);
  for (const name of sortedKeys(tree.routers)) bgpRouter(name, tree.routers[name], out);
  isis(tree, out);
  prefixLists(tree, out);
  out.push(...tree.custom);
  openfabric(tree, out);
  ospf(tree, out);
  accessLists(tree, out);
  routeMaps(tree, out);
  for (const route of tree.ipRoutes) out.push('!', staticRoute(route));
  protocolRouteMaps(tree, out);
  return out;
}

function asNumber(v: string | number, what: string): string {
  const s = String(v).trim();
  if (!/^\d+$/.test(s)) throw new FrrValueError(`invalid ${what} '${v}'`);
  return String(BigInt(s));
}

/** Next hops are addresses or keywords (`null0`, `blackhole`, an interface). */
function nextHop(via: string): string {
  return isIpv4(via) || isIpv6(via) ? canonicalIp(via) : via;
}

function staticRoute(r: StaticRoute): string {
  const family = prefixIsIpv6(r.prefix) ? 'ipv6 route' : 'ip route';
  return `${family} ${canonicalPrefix(r.prefix)} ${nextHop(r.via)}` + (r.vrf ? ` ${r.vrf}` : '');
}

function vrfs(tree: FrrTree, out: string[]): void {
  for (const name of sortedKeys(tree.vrfs)) {
    const vrf = tree.vrfs[name];
    out.push('!', `vrf ${name}`);
    const vni = vrf.vni === undefined || vrf.vni === '' ? '0' : asNumber(vrf.vni, 'vni');
    if (vni !== '0') out.push(` vni ${vni}`);
    for (const r of vrf.ipRoutes) out.push(` ${staticRoute(r)}`);
    out.push(...vrf.custom, 'exit-vrf');
  }
}

function bgpRouter(name: string, r: BgpRouter, out: string[]): void {
  const asn = asNumber(r.asn, 'ASN');
  out.push('!', name === 'default' ? `router bgp ${asn}` : `router bgp ${asn} vrf ${name}`);
  out.push(` bgp router-id ${canonicalIpv4(r.routerId, 'router-id')}`);
  if (r.hardAdministrativeReset === false) out.push(' no bgp hard-administrative-reset');
  if (r.defaultIpv4Unicast === false) out.push(' no bgp default ipv4-unicast');
  if (r.coalesceTime !== undefined) out.push(` coalesce-time ${r.coalesceTime}`);
  if (r.gracefulRestartNotification === false) out.push(' no bgp graceful-restart notification');
  if (r.disableEbgpConnectedRouteCheck) out.push(' bgp disable-ebgp-connected-route-check');
  if (r.bestpathAsPathMultipathRelax) out.push(' bgp bestpath as-path multipath-relax');
  for (const g of r.peerGroups) {
    out.push(` neighbor ${g.name} peer-group`);
    out.push(` neighbor ${g.name} remote-as ${g.remoteAs === 'external' ? 'external' : asNumber(g.remoteAs, 'remote-as')}`);
    if (g.bfd) out.push(` neighbor ${g.name} bfd`);
    if (g.ebgpMultihop !== undefined) out.push(` neighbor ${g.name} ebgp-multihop ${g.ebgpMultihop}`);
    if (g.updateSource) out.push(` neighbor ${g.name} update-source ${g.updateSource}`);
    for (const ip of g.ips) out.push(` neighbor ${canonicalIp(ip, 'neighbor')} peer-group ${g.name}`);
    for (const ifname of g.interfaces) out.push(` neighbor ${ifname} interface peer-group ${g.name}`);
  }
  out.push(...r.custom);
  for (const key of FAMILY_ORDER) {
    const fam = r.families[key];
    if (!fam) continue;
    out.push(' !', ` address-family ${key.replace('_', ' ')}`);
    if (key === 'l2vpn_evpn') evpnFamily(fam as EvpnFamily, out);
    else unicastFamily(fam as UnicastFamily, out);
    out.push(' exit-address-family');
  }
  out.push('exit');
}

function afNeighbors(neighbors: AfNeighbor[], out: string[]): void {
  for (const n of neighbors) {
    out.push(`  neighbor ${n.name} activate`);
    if (n.softReconfigurationInbound) out.push(`  neighbor ${n.name} soft-reconfiguration inbound`);
    if (n.routeMapIn) out.push(`  neighbor ${n.name} route-map ${n.routeMapIn} in`);
    if (n.routeMapOut) out.push(`  neighbor ${n.name} route-map ${n.routeMapOut} out`);
  }
}

function unicastFamily(f: UnicastFamily, out: string[]): void {
  for (const n of f.networks) out.push(`  network ${canonicalPrefix(n)}`);
  for (const v of f.importVrfs) out.push(`  import vrf ${v}`);
  afNeighbors(f.neighbors, out);
  for (const r of f.redistribute) {
    out.push(`  redistribute ${r.protocol}` + (r.metric !== undefined ? ` metric ${r.metric}` : '') + (r.routeMap ? ` route-map ${r.routeMap}` : ''));
  }
  out.push(...f.custom);
}

function evpnFamily(f: EvpnFamily, out: string[]): void {
  for (const v of f.importVrfs) out.push(`  import vrf ${v}`);
  afNeighbors(f.neighbors, out);
  if (f.advertiseAllVni) out.push('  advertise-all-vni');
  if (f.advertiseDefaultGw) out.push('  advertise-default-gw');
  if (f.autortAs !== undefined) out.push(`  autort as ${asNumber(f.autortAs, 'autort ASN')}`);
  for (const af of f.defaultOriginate) out.push(`  default-originate ${af}`);
  if (f.advertiseIpv4Unicast) out.push('  advertise ipv4 unicast');
  if (f.advertiseIpv6Unicast) out.push('  advertise ipv6 unicast');
  for (const rt of f.routeTargetImport) out.push(`  route-target import ${rt}`);
  for (const rt of f.routeTargetExport) out.push(`  route-target export ${rt}`);
  for (const rt of f.routeTargetBoth) out.push(`  route-target both ${rt}`);
  out.push(...f.custom);
}

/** AFI, area regrouped in blocks of 4 hex digits, system id (3 blocks), selector. */
export function regroupNet(net: string): string {
  const parts = net.split('.');
  const digits = parts.slice(1, -1).join('');
  if (parts.length < 3 || !/^[0-9a-fA-F]+$/.test(parts[0]) || !/^[0-9a-fA-F]{2}$/.test(parts[parts.length - 1]) || !/^[0-9a-fA-F]{12,}$/.test(digits)) {
    throw new FrrValueError(`invalid NET '${net}'`);
  }
  const area = digits.slice(0, -12);
  const system = digits.slice(-12);
  const blocks = (s: string) => s.match(/.{1,4}/g) ?? [];
  return [parts[0], ...blocks(area), ...blocks(system), parts[parts.length - 1]].join('.');
}

function isis(tree: FrrTree, out: string[]): void {
  for (const domain of sortedKeys(tree.isisRouters)) {
    const r = tree.isisRouters[domain];
    out.push('!', `router isis ${domain}`, ` net ${regroupNet(r.net)}`);
    if (r.redistributeIpv4Connected) out.push(` redistribute ipv4 connected ${r.redistributeIpv4Connected}`);
    if (r.redistributeIpv6Connected) out.push(` redistribute ipv6 connected ${r.redistributeIpv6Connected}`);
    if (r.logAdjacencyChanges) out.push(' log-adjacency-changes');
    out.push(...r.custom, 'exit');
  }
  for (const name of sortedKeys(tree.isisInterfaces)) {
    const i = tree.isisInterfaces[name];
    out.push('!', `interface ${name}`);
    if (i.ipv4) out.push(` ip router isis ${i.domain}`);
    if (i.ipv6) out.push(` ipv6 router isis ${i.domain}`);
    out.push(...i.custom, 'exit');
  }
}

function prefixLists(tree: FrrTree, out: string[]): void {
  for (const name of sortedKeys(tree.prefixLists)) {
    out.push('!');
    for (const rule of tree.prefixLists[name]) {
      const family = prefixIsIpv6(rule.network) ? 'ipv6 prefix-list' : 'ip prefix-list';
      out.push(
        `${family} ${name} ` +
          (rule.seq !== undefined ? `seq ${rule.seq} ` : '') +
          `${rule.action} ${canonicalPrefix(rule.network)}` +
          (rule.le !== undefined ? ` le ${rule.le}` : '') +
          (rule.ge !== undefined ? ` ge ${rule.ge}` : ''),
      );
    }
  }
}

function openfabric(tree: FrrTree, out: string[]): void {
  const of = tree.openfabric;
  for (const name of sortedKeys(of.routers)) out.push('!', `router openfabric ${name}`, ` net ${of.routers[name].net}`, 'exit');
  for (const name of sortedKeys(of.interfaces)) {
    const i = of.interfaces[name];
    out.push('!', `interface ${name}`);
    if (i.ipv4) out.push(` ip router openfabric ${i.fabric}`);
    if (i.ipv6) out.push(` ipv6 router openfabric ${i.fabric}`);
    if (i.passive) out.push(' openfabric passive');
    if (i.helloInterval !== undefined) out.push(` openfabric hello-interval ${i.helloInterval}`);
    if (i.helloMultiplier !== undefined) out.push(` openfabric hello-multiplier ${i.helloMultiplier}`);
    if (i.csnpInterval !== undefined) out.push(` openfabric csnp-interval ${i.csnpInterval}`);
    out.push('exit');
  }
}

function ospf(tree: FrrTree, out: string[]): void {
  const o = tree.ospf;
  if (o.router) out.push('!', 'router ospf', ` ospf router-id ${canonicalIpv4(o.router.routerId, 'router-id')}`, 'exit');
  for (const name of sortedKeys(o.interfaces)) {
    const i = o.interfaces[name];
    out.push('!', `interface ${name}`, ` ip ospf area ${i.area}`);
    if (i.passive) out.push(' ip ospf passive');
    if (i.pointToPoint) out.push(' ip ospf network point-to-point');
    out.push('exit');
  }
}

function accessLists(tree: FrrTree, out: string[]): void {
  for (const name of sortedKeys(tree.accessLists)) {
    out.push('!');
    for (const rule of tree.accessLists[name]) {
      out.push(
        (prefixIsIpv6(rule.network) ? 'ipv6 ' : '') +
          `access-list ${name} ` +
          (rule.seq !== undefined ? `seq ${rule.seq} ` : '') +
          `${rule.action} ${canonicalPrefix(rule.network)}`,
      );
    }
  }
}

function match(m: RouteMapMatch): string {
  switch (m.kind) {
    case 'ip-prefix-list':
      return ` match ip address prefix-list ${m.value}`;
    case 'ipv6-prefix-list':
      return ` match ipv6 address prefix-list ${m.value}`;
    case 'ip-address':
      return ` match ip address ${m.value}`;
    case 'ip-next-hop':
      return ` match ip next-hop ${m.value}`;
  }
}

function routeMaps(tree: FrrTree, out: string[]): void {
  for (const name of sortedKeys(tree.routeMaps)) {
    for (const e of tree.routeMaps[name]) routeMapEntryLines(name, e, out);
  }
}

function routeMapEntryLines(name: string, e: RouteMapEntry, out: string[]): void {
  if (e.seq === undefined) throw new FrrValueError(`route-map ${name} entry without sequence number`);
  out.push('!', `route-map ${name} ${e.action} ${e.seq}`);
  for (const m of e.matches) out.push(match(m));
  for (const s of e.sets) out.push(` set ${s.field} ${s.field === 'src' ? canonicalIp(s.value) : s.value}`);
  out.push(...e.custom, 'exit');
}

function protocolRouteMaps(tree: FrrTree, out: string[]): void {
  for (const proto of sortedKeys(tree.protocolRouteMaps)) {
    const p = tree.protocolRouteMaps[proto];
    if (p.v4) out.push('!', `ip protocol ${proto} route-map ${p.v4}`);
    if (p.v6) out.push('!', `ipv6 protocol ${proto} route-map ${p.v6}`);
  }
}

import type { Controller, Subnet, Zone } from '@sdn/model';
import { isSet, nodeList, sortedKeys, splitList, text } from '@sdn/model';
import { evpnUnderlay } from '../../controllers/evpn/frr';
import type { FrrContext } from '../../frr/context';
import { addressValue, isIpv6 } from '../../frr/ip';
import {
  DEFAULT_VRF,
  evpnFamily,
  newRouter,
  prependRouteMap,
  routeMapEntry,
  unicastFamily,
  vrfEntry,
  type RouteMapEntry,
  type StaticRoute,
} from '../../frr/tree';

/**
 * The id-derived parts of a subnet: the reference reads zone, network and
 * mask from `<zone>-<network>-<mask>` rather than from the subnet's fields,
 * so the network text is used verbatim (host bits and all).
 */
export function subnetIdParts(id: string): { zone: string; network: string; mask: string } {
  const [zone = '', network = '', mask = ''] = id.split('-');
  return { zone, network, mask };
}

export function isExitNode(zone: Zone, nodename: string): boolean {
  return nodeList(zone.exitnodes).includes(nodename);
}

/** The evpn controller a zone uses, when it exists. */
export function zoneEvpnController(ctx: FrrContext, zone: Zone | undefined): Controller | undefined {
  if (!zone || !isSet(zone.controller)) return undefined;
  const ctl = ctx.config.controllers?.ids?.[text(zone.controller)];
  return ctl && ctl.type === 'evpn' ? ctl : undefined;
}

/**
 * Black-hole routes for every other zone's subnets (§2.3.2, gotcha 2): keyed
 * by network text so equal networks collapse (the later id's mask wins), then
 * ordered by address value, IPv4 and IPv6 in one number space.
 */
export function nullRoutes(subnets: Record<string, Subnet>, zoneId: string): StaticRoute[] {
  const masks = new Map<string, string>();
  for (const id of sortedKeys(subnets)) {
    if (!isSet(subnets[id].vnet)) continue;
    const { zone, network, mask } = subnetIdParts(id);
    if (zone === zoneId) continue;
    masks.set(network, mask);
  }
  const values = new Map([...masks.keys()].map((n) => [n, addressValue(n)]));
  return [...masks.keys()]
    .sort((a, b) => {
      const d = values.get(a)! - values.get(b)!;
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    })
    .map((network) => ({ prefix: `${network}/${masks.get(network)}`, via: 'null0' }));
}

function onlyDefault(action: 'permit' | 'deny', v6: boolean, withMetric: boolean): RouteMapEntry {
  return routeMapEntry(
    action,
    [{ kind: v6 ? 'ipv6-prefix-list' : 'ip-prefix-list', value: v6 ? 'only_default_v6' : 'only_default' }],
    withMetric ? [{ field: 'metric', value: '200' }] : [],
  );
}

/** Zone pass (§2.3.2). The zone's `nodes` restriction deliberately does not apply to FRR. */
export function evpnZoneFrr(ctx: FrrContext, zoneId: string, zone: Zone, controller: Controller): void {
  const u = evpnUnderlay(ctx, controller);
  if (!u || !isSet(zone['vrf-vxlan'])) return;
  const { tree, facts } = ctx;
  const vrfVxlan = text(zone['vrf-vxlan']);
  const vrfName = `vrf_${zoneId}`;

  const router = (tree.routers[vrfName] ??= newRouter(u.asn, u.routerId));
  Object.assign(router, { asn: u.asn, routerId: u.routerId, hardAdministrativeReset: false, gracefulRestartNotification: false });

  const vrf = vrfEntry(tree, vrfName);
  vrf.vni = vrfVxlan;
  vrf.ipRoutes = [];

  const exit = isExitNode(zone, facts.nodename);
  if (exit) vrf.ipRoutes.push(...nullRoutes(ctx.config.subnets?.ids ?? {}, zoneId));

  if (u.ebgp) {
    const rt = `${u.autortAs}:${vrfVxlan}`;
    const fam = evpnFamily(router);
    fam.routeTargetImport.push(rt);
    fam.routeTargetExport.push(rt);
  }

  if (exit) {
    tree.prefixLists.only_default ??= [{ seq: 1, action: 'permit', network: '0.0.0.0/0' }];
    tree.prefixLists.only_default_v6 ??= [{ seq: 1, action: 'permit', network: '::/0' }];
    const primary = zone['exitnodes-primary'];
    if (!isSet(primary) || text(primary) === facts.nodename) {
      // Ignore default routes announced by the other exit nodes.
      prependRouteMap(tree, 'MAP_VTEP_IN', onlyDefault('deny', false, false), onlyDefault('deny', true, false));
    } else {
      // Not the primary: announce the default route with a worse metric.
      prependRouteMap(tree, 'MAP_VTEP_OUT', onlyDefault('permit', false, true), onlyDefault('permit', true, true));
    }
    if (!isSet(zone['exitnodes-local-routing'])) {
      const main = tree.routers[DEFAULT_VRF];
      if (main) {
        unicastFamily(main, 'ipv4_unicast').importVrfs.push(vrfName);
        unicastFamily(main, 'ipv6_unicast').importVrfs.push(vrfName);
      }
      unicastFamily(router, 'ipv4_unicast').redistribute.push({ protocol: 'connected' });
      unicastFamily(router, 'ipv6_unicast').redistribute.push({ protocol: 'connected' });
    }
    evpnFamily(router).defaultOriginate.push('ipv4', 'ipv6');
  } else if (isSet(zone['advertise-subnets'])) {
    unicastFamily(router, 'ipv4_unicast').redistribute.push({ protocol: 'connected' });
    unicastFamily(router, 'ipv6_unicast').redistribute.push({ protocol: 'connected' });
    const fam = evpnFamily(router);
    fam.advertiseIpv4Unicast = true;
    fam.advertiseIpv6Unicast = true;
  }

  const rtImport = splitList(zone['rt-import']);
  if (rtImport.length) evpnFamily(router).routeTargetImport.push(...rtImport);
}

/** Vnet pass (§2.3.3): routes from the default VRF into the zone VRF over the xvrf veth pair. */
export function evpnVnetFrr(ctx: FrrContext, vnetId: string, zoneId: string, zone: Zone): void {
  if (!isSet(zone['exitnodes-local-routing']) || !isExitNode(zone, ctx.facts.nodename)) return;
  const subnets = ctx.config.subnets?.ids ?? {};
  for (const id of sortedKeys(subnets)) {
    if (text(subnets[id].vnet) !== vnetId) continue;
    const { network, mask } = subnetIdParts(id);
    const v6 = isIpv6(network);
    ctx.tree.ipRoutes.push({ prefix: `${network}/${mask}`, via: v6 ? 'fe80::2' : '10.255.255.2', vrf: `xvrf_${zoneId}` });
  }
}

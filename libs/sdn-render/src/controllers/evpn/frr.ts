import type { Controller } from '@sdn/model';
import { isSet, splitList, text } from '@sdn/model';
import { ownIp } from '../../facts/own-ip';
import { findFabric } from '../../fabrics/model';
import { boundController, type FrrContext } from '../../frr/context';
import { routerId } from '../../frr/router-id';
import { appendRouteMap, DEFAULT_VRF, evpnFamily, newRouter, routeMapEntry } from '../../frr/tree';

/**
 * How an EVPN controller reaches its peers from this node (rendering.md
 * §2.3.1), shared by the controller and by every zone using it (§2.3.2).
 */
export interface EvpnUnderlay {
  peers: string[];
  ownIp: string | null;
  routerId: string;
  /** Update source of the VTEP group: the loopback, or `dummy_<fabric>`. */
  updateSource?: string;
  asn: string;
  ebgp: boolean;
  /** The EVPN controller's own ASN, used for auto route targets under eBGP. */
  autortAs?: string;
}

export function evpnUnderlay(ctx: FrrContext, controller: Controller): EvpnUnderlay | undefined {
  const bgp = boundController(ctx, 'bgp');
  const isis = boundController(ctx, 'isis');

  let peers: string[];
  let own: string | null;
  let id: string | undefined;
  let updateSource: string | undefined;
  if (isSet(controller.fabric)) {
    const fabricId = text(controller.fabric);
    const fabric = findFabric(ctx.config, fabricId);
    const me = fabric?.nodes.find((n) => n.node === ctx.facts.nodename);
    if (!fabric || !me?.ip) return undefined;
    peers = fabric.nodes.filter((n) => n.ip).map((n) => n.ip as string);
    own = me.ip;
    id = me.ip;
    updateSource = `dummy_${fabricId}`;
  } else if (isSet(controller.peers)) {
    peers = splitList(controller.peers);
    // A bound bgp controller without loopback hides the isis loopback on purpose (reference behaviour).
    const loopback = bgp ? (isSet(bgp.loopback) ? text(bgp.loopback) : undefined) : isSet(isis?.loopback) ? text(isis!.loopback) : undefined;
    const found = ownIp(ctx.facts, peers, loopback);
    own = found.ip;
    id = routerId(ctx.facts, found.ip, found.iface);
    updateSource = loopback;
  } else {
    return undefined;
  }

  const evpnAsn = text(controller.asn);
  const ebgp = bgp !== undefined && text(bgp.asn) !== evpnAsn;
  const asn = bgp && isSet(bgp.asn) ? text(bgp.asn) : evpnAsn;
  if (!isSet(asn) || !id) return undefined;
  return { peers, ownIp: own, routerId: id, updateSource, asn, ebgp, ...(ebgp ? { autortAs: evpnAsn } : {}) };
}

export function evpnControllerFrr(ctx: FrrContext, controller: Controller): void {
  const u = evpnUnderlay(ctx, controller);
  if (!u) return;
  const { tree } = ctx;

  // A bgp controller sorting earlier may already own the router; then its flags stay (§2.3.1).
  const router = (tree.routers[DEFAULT_VRF] ??= {
    ...newRouter(u.asn, u.routerId),
    hardAdministrativeReset: false,
    defaultIpv4Unicast: false,
    coalesceTime: 1000,
    gracefulRestartNotification: false,
  });

  router.peerGroups.push({
    name: 'VTEP',
    remoteAs: u.ebgp ? 'external' : u.asn,
    bfd: true,
    ...(u.ebgp && u.updateSource ? { ebgpMultihop: 10 } : {}),
    ...(u.updateSource ? { updateSource: u.updateSource } : {}),
    ips: u.ownIp === null ? [...u.peers] : u.peers.filter((p) => p !== u.ownIp),
    interfaces: [],
  });

  if (!router.families.l2vpn_evpn) {
    const fam = evpnFamily(router);
    fam.neighbors.push({ name: 'VTEP', routeMapIn: 'MAP_VTEP_IN', routeMapOut: 'MAP_VTEP_OUT' });
    fam.advertiseAllVni = true;
    if (u.autortAs !== undefined) fam.autortAs = u.autortAs;
  }

  appendRouteMap(tree, 'MAP_VTEP_IN', routeMapEntry('permit'));
  appendRouteMap(tree, 'MAP_VTEP_OUT', routeMapEntry('permit'));
}

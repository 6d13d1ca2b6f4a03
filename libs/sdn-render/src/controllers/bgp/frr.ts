import type { Controller } from '@sdn/model';
import { bool, int, isSet, splitList, text } from '@sdn/model';
import { ownIp } from '../../facts/own-ip';
import type { FrrContext } from '../../frr/context';
import { isIpv6 } from '../../frr/ip';
import { routerId } from '../../frr/router-id';
import { appendRouteMap, DEFAULT_VRF, newRouter, routeMapEntry, unicastFamily } from '../../frr/tree';

/** A bgp controller's contribution on its own node (rendering.md §2.4). */
export function bgpControllerFrr(ctx: FrrContext, controller: Controller): void {
  if (text(controller.node) !== ctx.facts.nodename || !isSet(controller.asn)) return;
  const { tree } = ctx;
  const asn = text(controller.asn);
  const peers = splitList(controller.peers);
  const loopback = isSet(controller.loopback) ? text(controller.loopback) : undefined;
  const ebgp = bool(controller.ebgp);
  const own = ownIp(ctx.facts, peers, loopback);
  const id = routerId(ctx.facts, own.ip, own.iface);
  if (!id) return;

  // Unlike the EVPN controller, no hard-reset / graceful-restart flags (§2.4).
  const router = (tree.routers[DEFAULT_VRF] ??= { ...newRouter(asn, id), defaultIpv4Unicast: false, coalesceTime: 1000 });
  if (loopback && ebgp) router.disableEbgpConnectedRouteCheck = true;
  if (bool(controller['bgp-multipath-as-path-relax'])) router.bestpathAsPathMultipathRelax = true;

  if (peers.length > 0) {
    const multihop = int(controller['ebgp-multihop']);
    router.peerGroups.push({
      name: 'BGP',
      remoteAs: ebgp ? 'external' : asn,
      bfd: true,
      ...(ebgp && isSet(controller['ebgp-multihop']) && multihop !== undefined ? { ebgpMultihop: multihop } : {}),
      ips: [...peers],
      interfaces: [],
    });
    const v6 = isIpv6(own.ip);
    const fam = unicastFamily(router, v6 ? 'ipv6_unicast' : 'ipv4_unicast');
    fam.neighbors.push({ name: 'BGP', softReconfigurationInbound: true });
    if (loopback && own.ip) fam.networks.push(`${own.ip}/${v6 ? 128 : 32}`);
  }

  if (loopback) {
    tree.prefixLists.loopbacks_ips = [{ seq: 10, action: 'permit', network: '0.0.0.0/0', le: 32 }];
    (tree.protocolRouteMaps.bgp ??= {}).v4 = 'correct_src';
    appendRouteMap(
      tree,
      'correct_src',
      routeMapEntry('permit', [{ kind: 'ip-prefix-list', value: 'loopbacks_ips' }], own.ip ? [{ field: 'src', value: own.ip }] : []),
    );
  }
}

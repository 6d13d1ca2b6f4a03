import { byteOrder, int, isSet, nodeList, splitList, text, type Controller, type RunningConfig, type Zone } from '@sdn/model';
import type { NodeFacts } from '../../facts/node-facts';
import { ownIp } from '../../facts/own-ip';
import { fabricUnderlay, type ConfigWithFabrics } from '../../ifupdown/fabric-underlay';
import { forwardingLines, outsideRoutes, outsideRoutesKey, subnetLines, subnetsOfVnet, type OutsideRoutes } from '../../ifupdown/subnets';
import { vnetBridgeLines } from '../../ifupdown/vnet-bridge';
import { tunnelMtu } from '../../ifupdown/mtu';
import { assertViewUsable, VnetRenderError, type ZoneInterfacesRenderer, type ZoneNodeView, type ZoneViewContext } from '../../ifupdown/zone-renderer';

/** Metric of the VRF's default unreachable route (the reference's constant). */
const VRF_UNREACHABLE_METRIC = 4278198272;
/** Fixed addresses of the cross-VRF veth pair; the same for every zone. */
const XVRF_V4 = ['10.255.255.1/30', '10.255.255.2/30'] as const;
const XVRF_V6 = ['fe80::1/126', 'fe80::2/126'] as const;
/** The veth pair carries VXLAN-sized frames plus the encapsulation overhead. */
const XVRF_MTU_OVERHEAD = 50;

/** The controller of `type` whose `node` is this node (first by id when several). */
function boundController(config: RunningConfig, type: string, nodename: string): Controller | undefined {
  const ids = config.controllers?.ids ?? {};
  const id = Object.keys(ids)
    .sort(byteOrder)
    .find((k) => ids[k].type === type && ids[k].node === nodename);
  return id === undefined ? undefined : ids[id];
}

/**
 * Interface whose address is the node's EVPN underlay address when it has
 * one: the loopback of this node's bgp controller, else of its isis
 * controller. Unlike the FRR side, a bound bgp controller without loopback
 * does not hide the isis loopback here (the reference's zone plugin differs).
 */
export function evpnPreferredInterface(config: RunningConfig, nodename: string): string | undefined {
  for (const type of ['bgp', 'isis']) {
    const loopback = boundController(config, type, nodename)?.loopback;
    if (isSet(loopback)) return text(loopback);
  }
  return undefined;
}

/** What of the node an EVPN zone's vnets depend on. */
interface EvpnNodeView extends ZoneNodeView {
  /** The node's VXLAN tunnel address, or null when none is found. */
  tunnelIp: string | null;
  exitNode: boolean;
  /** The way out for SNAT, on exit nodes only. */
  snatVia?: OutsideRoutes;
}

/**
 * The node's VXLAN tunnel address for an EVPN controller (rendering.md §1.8
 * "Own IP"), or null when none is found; or why it cannot be had.
 */
function evpnOwnIp(config: RunningConfig, facts: NodeFacts, controllerId: string, controller: Controller): { ip: string | null } | { error: string } {
  if (isSet(controller.peers)) {
    return { ip: ownIp(facts, splitList(controller.peers), evpnPreferredInterface(config, facts.nodename)).ip };
  }
  if (isSet(controller.fabric)) {
    const fabricId = text(controller.fabric);
    const underlay = fabricUnderlay(config as ConfigWithFabrics, fabricId, facts.nodename);
    if (!underlay) return { error: `fabric ${fabricId} of EVPN controller ${controllerId} does not exist` };
    if (underlay.ownIp === null) return { error: `Node ${facts.nodename} requires an IP in the fabric ${fabricId} to configure the EVPN controller ${controllerId}` };
    return { ip: underlay.ownIp };
  }
  return { error: `neither peers nor fabric configured for EVPN controller ${controllerId}` };
}

function zoneController(config: RunningConfig, zone: Zone): [string, Controller] | undefined {
  const controllerId = text(zone.controller);
  const controllers = config.controllers?.ids ?? {};
  return isSet(zone.controller) && Object.hasOwn(controllers, controllerId) ? [controllerId, controllers[controllerId]] : undefined;
}

function evpnNodeView({ config, facts, zone }: ZoneViewContext): EvpnNodeView {
  const exitNode = nodeList(zone.exitnodes).includes(facts.nodename);
  const snatVia = exitNode ? outsideRoutes(facts) : undefined;
  const ctl = zoneController(config, zone);
  // Without a controller every vnet fails on its own check before the view is used.
  const own = ctl ? evpnOwnIp(config, facts, ...ctl) : { ip: null };
  const base = `${exitNode} ${snatVia ? outsideRoutesKey(snatVia) : ''}`;
  if ('error' in own) return { key: `!${own.error}`, error: own.error, tunnelIp: null, exitNode, snatVia };
  return { key: `${own.ip} ${base}`, tunnelIp: own.ip, exitNode, snatVia };
}

/**
 * EVPN zone: per vnet a VXLAN device (L2VNI) and a routed vnet bridge in the
 * zone's VRF; per zone (first vnet wins) the VRF, the optional L3VNI pair and,
 * on exit nodes with local routing, the cross-VRF veth pair.
 */
export const evpnZoneInterfaces: ZoneInterfacesRenderer<EvpnNodeView> = {
  nodeView: evpnNodeView,
  renderVnet: ({ config, zoneId, zone, vnetId, vnet, view, stanzas }) => {
    if (!isSet(vnet.tag)) throw new VnetRenderError('missing vxlan tag');
    if (!zoneController(config, zone)) throw new VnetRenderError('missing controller');
    assertViewUsable(view);
    const { tunnelIp, exitNode } = view;
    const mtu = tunnelMtu(zone);
    const vxlanPort = isSet(zone['vxlan-port']) ? [`vxlan-port ${text(zone['vxlan-port'])}`] : [];
    const arpNdSuppress = isSet(zone['disable-arp-nd-suppression']) ? [] : ['bridge-arp-nd-suppress on'];
    const tunnelLines = (vni: string) => [
      `vxlan-id ${vni}`,
      ...(tunnelIp ? [`vxlan-local-tunnelip ${tunnelIp}`] : []),
      ...vxlanPort,
      'bridge-learning off',
      ...arpNdSuppress,
      `mtu ${mtu}`,
    ];
    const vrf = `vrf_${zoneId}`;
    const vxlan = `vxlan_${vnetId}`;
    const subnets = subnetsOfVnet(config, vnetId);

    stanzas.addIfAbsent(vxlan, tunnelLines(text(vnet.tag)));
    stanzas.addIfAbsent(vnetId, [
      ...subnetLines(vnetId, subnets, { hostRoutes: false, snatVia: view.snatVia }),
      ...(isSet(zone.mac) ? [`hwaddress ${text(zone.mac)}`] : []),
      ...vnetBridgeLines(vnet, { uplink: vxlan, mtu, honourVlanAware: false }),
      ...forwardingLines(subnets),
      // Any subnet counts here, with or without gateway (confirmed with the oracle).
      ...(subnets.length > 0 ? ['arp-accept on'] : []),
      `vrf ${vrf}`,
    ]);

    // Exit nodes route outside the VRF, so they must not keep the VRF's catch-all unreachable route.
    stanzas.addIfAbsent(vrf, ['vrf-table auto', `post-up ip route ${exitNode ? 'del' : 'add'} vrf ${vrf} unreachable default metric ${VRF_UNREACHABLE_METRIC}`]);

    if (isSet(zone['vrf-vxlan'])) {
      const vrfVxlan = `vrfvx_${zoneId}`;
      stanzas.addIfAbsent(vrfVxlan, tunnelLines(text(zone['vrf-vxlan'])));
      stanzas.addIfAbsent(`vrfbr_${zoneId}`, [`bridge-ports ${vrfVxlan}`, 'bridge_stp off', 'bridge_fd 0', `mtu ${mtu}`, `vrf ${vrf}`]);
    }

    if (exitNode && isSet(zone['exitnodes-local-routing'])) {
      const xvrf = `xvrf_${zoneId}`;
      const xvrfp = `xvrfp_${zoneId}`;
      const xvrfMtu = `mtu ${(int(mtu) ?? Number(mtu)) + XVRF_MTU_OVERHEAD}`;
      // Decided by the zone's first vnet only, like every zone-level stanza.
      const ipv6 = subnets.some((s) => s.ipVersion === 6);
      stanzas.addIfAbsent(xvrf, ['link-type veth', `address ${XVRF_V4[0]}`, ...(ipv6 ? [`address ${XVRF_V6[0]}`] : []), `veth-peer-name ${xvrfp}`, xvrfMtu]);
      stanzas.addIfAbsent(xvrfp, [
        'link-type veth',
        `address ${XVRF_V4[1]}`,
        ...(ipv6 ? [`address ${XVRF_V6[1]}`] : []),
        `veth-peer-name ${xvrf}`,
        `vrf ${vrf}`,
        xvrfMtu,
      ]);
    }
  },
};

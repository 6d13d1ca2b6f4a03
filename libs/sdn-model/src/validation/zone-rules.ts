import { BUILTIN_IPAM } from '../schema/ipams';
import { DHCP_PORT_ZONE_TYPES, IPV6_MIN_MTU, VXLAN_OVERHEAD, MTU_MAX } from '../schema/zones';
import { int, isSet, nodeList, sortedKeys, text } from '../values';
import { forEachDuplicate, groupBy, type RuleContext } from './context';

/** Zone rules of §3.2 that need other objects, plus our stricter additions. */
export function checkZones(ctx: RuleContext): void {
  for (const id of sortedKeys(ctx.zones)) {
    const z = ctx.zones[id];
    const type = text(z.type);
    const at = (key: string) => `zones.${id}.${key}`;

    // Z1, Z2: DNS servers are only checkable when the config carries them.
    for (const key of ['dns', 'reversedns'] as const) {
      const ref = text(z[key]);
      if (ref && ctx.dns && !ctx.dns[ref]) ctx.error(at(key), `${ref} don't exist`);
    }
    // Z3, on the resulting zone rather than on the request (B.15).
    if (isSet(z.dnszone) && !isSet(z.dns)) ctx.error(at('dnszone'), 'missing dns server');
    // Z4: `pve` always exists.
    const ipam = text(z.ipam);
    if (ipam && ipam !== BUILTIN_IPAM && ctx.ipams && !ctx.ipams[ipam]) ctx.error(at('ipam'), `${ipam} not existing`);
    // DHCP hands out addresses from the zone's IPAM (§6.8); without one it serves nothing.
    if (isSet(z.dhcp) && !ipam) ctx.error(at('dhcp'), 'dhcp requires an ipam');
    // §6.8 skips an IPv6 subnet without gateway with only a warning: the guests
    // would silently get no address. Refused on both sides instead.
    if (isSet(z.dhcp)) {
      const noGateway = ctx.vnetsOf(id).flatMap((v) => ctx.subnetsOf(v)).filter((s) => ctx.subnetParts(s)?.parsed.family === 6 && !isSet(ctx.subnets[s].gateway));
      if (noGateway.length) ctx.error(at('dhcp'), `dhcp cannot serve IPv6 subnet ${noGateway[0]}: it has no gateway`);
      for (const s of noGateway) ctx.error(`subnets.${s}.gateway`, `zone ${id} serves DHCP: an IPv6 subnet needs a gateway (router advertisements announce it)`);
    }
    checkDhcpPorts(ctx, id);

    if (type === 'vxlan') {
      // Z7
      if (isSet(z.peers) === isSet(z.fabric)) {
        ctx.error(at('peers'), 'must have exactly one of peers / fabric defined');
        ctx.error(at('fabric'), 'must have exactly one of peers / fabric defined');
      }
      const fabric = text(z.fabric);
      if (fabric && ctx.fabricExists(fabric) === false) ctx.error(at('fabric'), `fabric ${fabric} does not exist`);
    }

    if (type === 'evpn') {
      // Z8, Z9
      const ctl = text(z.controller);
      if (ctl) {
        const c = ctx.controllers[ctl];
        if (!c) ctx.error(at('controller'), `controller ${ctl} don't exist`);
        else if (text(c.type) !== 'evpn') ctx.error(at('controller'), `${ctl} is not a evpn controller type`);
      }
      const exits = nodeList(z.exitnodes);
      const primary = text(z['exitnodes-primary']);
      // The primary only steers routes between exit nodes; outside them it is a typo.
      if (primary && !exits.includes(primary)) ctx.error(at('exitnodes-primary'), `exitnodes-primary ${primary} is not one of the exitnodes`);
      const nodes = ctx.zoneNodes(id);
      if (nodes) {
        const outside = exits.filter((n) => !nodes.has(n));
        if (outside.length) ctx.error(at('exitnodes'), `exit nodes ${outside.join(',')} are not in the zone's nodes`);
      }
    }

    // VXLAN encapsulation takes 50 bytes of the underlay, whose MTU is at most 65535.
    const mtu = int(z.mtu);
    if (mtu !== undefined && (type === 'vxlan' || type === 'evpn') && mtu > MTU_MAX - VXLAN_OVERHEAD) {
      ctx.error(at('mtu'), `value must have a maximum value of ${MTU_MAX - VXLAN_OVERHEAD} for ${type} zones (${VXLAN_OVERHEAD} bytes of VXLAN overhead)`);
    }
    if (mtu !== undefined && mtu < IPV6_MIN_MTU) {
      const v6 = ctx.vnetsOf(id).flatMap((v) => ctx.subnetsOf(v)).filter((s) => ctx.subnetParts(s)?.parsed.family === 6);
      if (v6.length) ctx.error(at('mtu'), `mtu ${mtu} is below the IPv6 minimum of ${IPV6_MIN_MTU} (subnet ${v6[0]})`);
      for (const s of v6) ctx.error(`subnets.${s}`, `IPv6 needs an mtu of at least ${IPV6_MIN_MTU} but zone ${id} has mtu ${mtu}`);
    }
  }

  checkVrfVxlan(ctx);
}

/**
 * VLAN, QinQ and VXLAN zones serve DHCP from a port per serving node, each
 * with an address the built-in IPAM reserves (so no guest is ever given
 * it): the serving nodes must be nodes of the zone, the IPAM must be the
 * built-in one, and every IPv4 subnet must have room for the ports and at
 * least one guest.
 */
function checkDhcpPorts(ctx: RuleContext, id: string): void {
  const z = ctx.zones[id];
  const at = (key: string) => `zones.${id}.${key}`;
  const serving = nodeList(z['dhcp-nodes']);
  if (z['dhcp-nodes'] !== undefined && !isSet(z.dhcp)) ctx.error(at('dhcp-nodes'), 'dhcp-nodes requires dhcp');
  const nodes = ctx.zoneNodes(id);
  const outside = nodes ? serving.filter((n) => !nodes.has(n)) : [];
  if (outside.length) ctx.error(at('dhcp-nodes'), `DHCP nodes ${outside.join(',')} are not in the zone's nodes`);
  if (!isSet(z.dhcp) || !DHCP_PORT_ZONE_TYPES.has(text(z.type))) return;
  const ipam = text(z.ipam);
  if (ipam && ipam !== BUILTIN_IPAM) ctx.error(at('ipam'), `a ${text(z.type)} zone serves DHCP from ports whose addresses the built-in IPAM '${BUILTIN_IPAM}' reserves: ipam must be '${BUILTIN_IPAM}'`);
  // Unknown when neither list is set (every node of the cluster, which the config does not name).
  const ports = serving.length || nodes?.size;
  if (!ports) return;
  for (const s of ctx.vnetsOf(id).flatMap((v) => ctx.subnetsOf(v))) {
    const parts = ctx.subnetParts(s);
    if (parts?.parsed.family !== 4) continue;
    // Network and broadcast (a /31 or /32 has no room at all here), the gateway.
    const hosts = 2 ** (32 - parts.parsed.prefix) - 2 - (isSet(ctx.subnets[s].gateway) ? 1 : 0);
    if (hosts < ports + 1) ctx.error(`subnets.${s}`, `zone ${id} serves DHCP from ${ports} node(s): subnet ${parts.cidr} needs an address for each node's DHCP port and one for a guest, it has ${Math.max(hosts, 0)}`);
  }
}

/** Z10 and the documented-but-unchecked rule that the L3 VNI differs from every vnet VNI (B.19). */
function checkVrfVxlan(ctx: RuleContext): void {
  const zoneIds = sortedKeys(ctx.zones).filter((z) => int(ctx.zones[z]['vrf-vxlan']) !== undefined);
  forEachDuplicate(
    groupBy(zoneIds, (z) => String(int(ctx.zones[z]['vrf-vxlan']))),
    (z, other, vni) => ctx.error(`zones.${z}.vrf-vxlan`, `vrf-vxlan ${vni} is already declared in ${other}`),
  );

  const vniVnets = new Map<number, string[]>();
  for (const v of sortedKeys(ctx.vnets)) {
    const zt = ctx.zoneType(text(ctx.vnets[v].zone));
    const tag = int(ctx.vnets[v].tag);
    if ((zt === 'vxlan' || zt === 'evpn') && tag !== undefined) vniVnets.set(tag, [...(vniVnets.get(tag) ?? []), v]);
  }
  for (const z of zoneIds) {
    const vni = int(ctx.zones[z]['vrf-vxlan']) as number;
    const users = vniVnets.get(vni);
    if (!users) continue;
    ctx.error(`zones.${z}.vrf-vxlan`, `vrf-vxlan ${vni} is already used as vxlan tag by vnet ${users[0]}`);
    for (const v of users) ctx.error(`vnets.${v}.tag`, `vxlan tag ${vni} is already used as vrf-vxlan of zone ${z}`);
  }
}

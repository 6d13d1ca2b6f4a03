import { VLAN_MAX } from '../schema/zones';
import { bool, int, isSet, sortedKeys, text } from '../values';
import { forEachDuplicate, groupBy, type RuleContext } from './context';

/** Vnet rules of §3.3 (V1, V4 and the tag table) and the per-bridge VLAN rules. */
export function checkVnets(ctx: RuleContext): void {
  const byZone = new Map<string, string[]>();
  for (const id of sortedKeys(ctx.vnets)) {
    const v = ctx.vnets[id];
    const zoneId = text(v.zone);
    const at = (key: string) => `vnets.${id}.${key}`;
    if (!zoneId) continue; // missing zone is reported by the key check
    const zone = ctx.zones[zoneId];
    if (!zone) {
      ctx.error(at('zone'), `zone '${zoneId}' does not exist`);
      continue;
    }
    byZone.set(zoneId, [...(byZone.get(zoneId) ?? []), id]);
    // V4
    if (bool(v.vlanaware) && ctx.subnetsOf(id).length) ctx.error(at('vlanaware'), 'vlanaware vnet is not compatible with subnets');

    const tag = int(v.tag);
    switch (text(zone.type)) {
      case 'simple':
        if (isSet(v.tag)) ctx.error(at('tag'), 'vlan tag is not allowed on simple zone');
        break;
      case 'vlan':
        if (tag === undefined) ctx.error(at('tag'), 'missing vlan tag');
        else if (tag > VLAN_MAX) ctx.error(at('tag'), `vlan tag max value is ${VLAN_MAX}`);
        break;
      case 'qinq':
        if (tag !== undefined && tag > VLAN_MAX) ctx.error(at('tag'), `VLAN tag maximal value is ${VLAN_MAX}`);
        break;
      case 'vxlan':
      case 'evpn':
        if (tag === undefined) ctx.error(at('tag'), 'missing vxlan tag');
        if (text(zone.type) === 'evpn' && bool(v.vlanaware)) ctx.error(at('vlanaware'), "vlan-aware option can't be enabled with evpn");
        break;
    }
  }

  checkQinqCustomerTags(ctx, byZone);
  checkVnis(ctx);
  checkBridgeVlans(ctx);
  checkInterfaceNames(ctx);
}

/** QinQ: customer tags unique within the zone, at most one untagged vnet per zone. */
function checkQinqCustomerTags(ctx: RuleContext, byZone: Map<string, string[]>): void {
  for (const [zoneId, vnets] of byZone) {
    if (ctx.zoneType(zoneId) !== 'qinq') continue;
    const tagged = groupBy(vnets, (v) => (int(ctx.vnets[v].tag) === undefined ? undefined : String(int(ctx.vnets[v].tag))));
    forEachDuplicate(tagged, (v, other, tag) => ctx.error(`vnets.${v}.tag`, `tag ${tag} already exist in zone ${zoneId} vnet ${other}`));
    const untagged = groupBy(vnets, (v) => (int(ctx.vnets[v].tag) === undefined ? '' : undefined));
    forEachDuplicate(untagged, (v, other) => ctx.error(`vnets.${v}.tag`, `tag-less vnet already exists in zone ${zoneId} vnet ${other}`));
  }
}

/** VNIs of vxlan and evpn vnets share one cluster-wide space. */
function checkVnis(ctx: RuleContext): void {
  const vxlanVnets = sortedKeys(ctx.vnets).filter((v) => {
    const t = ctx.zoneType(text(ctx.vnets[v].zone));
    return t === 'vxlan' || t === 'evpn';
  });
  forEachDuplicate(
    groupBy(vxlanVnets, (v) => (int(ctx.vnets[v].tag) === undefined ? undefined : String(int(ctx.vnets[v].tag)))),
    (v, other, tag) => ctx.error(`vnets.${v}.tag`, `vxlan tag ${tag} already exist in vnet ${other} in zone ${text(ctx.vnets[other].zone)}`),
  );
}

interface BridgeVlanUser {
  bridge: string;
  vlan: number;
  zone: string;
  /** Set for a vlan-zone vnet, absent for a qinq zone's service VLAN. */
  vnet?: string;
}

/**
 * One VLAN namespace per physical bridge and node: a vlan-zone vnet's tag and
 * a qinq zone's service tag both become `<bridge>.<vid>`-style uplinks, so
 * any two on the same bridge collide, whatever zone they belong to (the
 * reference only checks within one zone, B.19). Zones confined to disjoint
 * node sets never meet on a node and may reuse a VLAN.
 */
function checkBridgeVlans(ctx: RuleContext): void {
  const users: BridgeVlanUser[] = [];
  for (const z of sortedKeys(ctx.zones)) {
    const zone = ctx.zones[z];
    const bridge = text(zone.bridge);
    if (text(zone.type) === 'qinq' && bridge && int(zone.tag) !== undefined) users.push({ bridge, vlan: int(zone.tag) as number, zone: z });
  }
  for (const v of sortedKeys(ctx.vnets)) {
    const z = text(ctx.vnets[v].zone);
    const zone = ctx.zones[z];
    if (!zone || text(zone.type) !== 'vlan') continue;
    const bridge = text(zone.bridge);
    const tag = int(ctx.vnets[v].tag);
    if (bridge && tag !== undefined) users.push({ bridge, vlan: tag, zone: z, vnet: v });
  }
  const groups = new Map<string, BridgeVlanUser[]>();
  for (const u of users) {
    const k = `${u.bridge}\u0000${u.vlan}`;
    groups.set(k, [...(groups.get(k) ?? []), u]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    for (const u of group) {
      const other = group.find((o) => o !== u && (o.zone === u.zone || ctx.zonesShareANode(o.zone, u.zone)));
      if (!other) continue;
      if (u.vnet) {
        let msg: string;
        if (!other.vnet) msg = `tag ${u.vlan} is already used on bridge ${u.bridge} as service vlan of zone ${other.zone}`;
        else if (other.zone === u.zone) msg = `tag ${u.vlan} already exist in vnet ${other.vnet}`;
        else msg = `tag ${u.vlan} already exist in vnet ${other.vnet} of zone ${other.zone} on bridge ${u.bridge}`;
        ctx.error(`vnets.${u.vnet}.tag`, msg);
      } else {
        const by = other.vnet ? `vnet ${other.vnet} of zone ${other.zone}` : `zone ${other.zone}`;
        ctx.error(`zones.${u.zone}.tag`, `service vlan ${u.vlan} is already used on bridge ${u.bridge} by ${by}`);
      }
    }
  }
}

/**
 * The vnet ID is the Linux bridge created on the node, so it must not be the
 * name of a bridge a vlan/qinq zone attaches to, nor of the `<bridge>v<tag>`
 * bridge a vlan zone creates on a plain Linux bridge (§7.2 b).
 */
function checkInterfaceNames(ctx: RuleContext): void {
  const taken = new Map<string, { zone: string; what: string; path: string }>();
  for (const z of sortedKeys(ctx.zones)) {
    const t = text(ctx.zones[z].type);
    const bridge = text(ctx.zones[z].bridge);
    if ((t === 'vlan' || t === 'qinq') && bridge && !taken.has(bridge)) {
      taken.set(bridge, { zone: z, what: `bridge of zone ${z}`, path: `zones.${z}.bridge` });
    }
  }
  for (const v of sortedKeys(ctx.vnets)) {
    const z = text(ctx.vnets[v].zone);
    const zone = ctx.zones[z];
    const tag = int(ctx.vnets[v].tag);
    if (zone && text(zone.type) === 'vlan' && text(zone.bridge) && tag !== undefined) {
      const name = `${text(zone.bridge)}v${tag}`;
      if (!taken.has(name)) taken.set(name, { zone: z, what: `interface ${name} created for vnet ${v}`, path: `vnets.${v}.tag` });
    }
  }
  for (const v of sortedKeys(ctx.vnets)) {
    const hit = taken.get(v);
    if (!hit) continue;
    const own = text(ctx.vnets[v].zone);
    if (own && ctx.zones[own] && !ctx.zonesShareANode(own, hit.zone)) continue;
    ctx.error(`vnets.${v}`, `vnet name ${v} collides with the ${hit.what}`);
    ctx.error(hit.path, `collides with the name of vnet ${v}`);
  }
}

import { cidrBounds, cidrContains, ipFamily, ipToBigInt, parseIp, type ParsedCidr } from '../schema/formats';
import { parseDhcpRange, parseSubnetId } from '../schema/subnet-id';
import { bool, sortedKeys, text } from '../values';
import type { RuleContext } from './context';

/** Subnet rules of §3.4 (S2–S8) plus ID/zone consistency and overlap. */
export function checkSubnets(ctx: RuleContext): void {
  for (const id of sortedKeys(ctx.subnets)) {
    const s = ctx.subnets[id];
    const at = (key: string) => `subnets.${id}.${key}`;
    const parts = ctx.subnetParts(id);
    const vnetId = text(s.vnet);
    const vnet = vnetId ? ctx.vnets[vnetId] : undefined;
    if (vnetId && !vnet) ctx.error(at('vnet'), `${vnetId} don't exist`); // S2
    if (vnet) {
      if (bool(vnet.vlanaware)) ctx.error(at('vnet'), "you can't add a subnet on a vlanaware vnet"); // S3
      // The ID carries the zone (§3.4); a subnet whose vnet sits in another
      // zone would be registered in the wrong IPAM zone and routed in the wrong VRF.
      const zone = text(vnet.zone);
      if (parts && zone && parts.zone !== zone) {
        ctx.error(at('vnet'), `subnet ${id} belongs to zone ${parts.zone} but vnet ${vnetId} is in zone ${zone}`);
      }
    }
    if (!parts) continue; // bad ID already reported
    const cidr = parts.parsed;

    if (ctx.checksGateway(id)) {
      const s4 = gatewayProblem(id, s.gateway);
      if (s4) ctx.error(at('gateway'), s4);
    }
    checkDhcpRanges(ctx, at('dhcp-range'), s['dhcp-range'], parts.cidr, cidr);
  }
  checkOverlaps(ctx);
}

/**
 * S4 for one subnet: why `gateway` cannot be the gateway of the subnet with
 * ID `subnetId`, or undefined when it can (or either is malformed, which other
 * checks report). An IPv4 /32 is a point-to-point route: its gateway lives
 * elsewhere.
 */
export function gatewayProblem(subnetId: string, gateway: unknown): string | undefined {
  const parts = parseSubnetId(subnetId);
  const gw = text(gateway);
  const addr = gw ? parseIp(gw) : undefined;
  if (!parts || !addr) return undefined;
  const cidr = parts.parsed;
  const p2p = cidr.family === 4 && cidr.prefix === 32 && ipFamily(addr) === 4;
  return cidrContains(cidr, addr) || p2p ? undefined : `${gw} is not in subnet ${parts.cidr}`;
}

/** S5–S8, plus: an IPv4 range must not hand out the network or broadcast address. */
function checkDhcpRanges(ctx: RuleContext, path: string, value: unknown, cidrText: string, cidr: ParsedCidr): void {
  if (value === undefined) return;
  const items = Array.isArray(value) ? value : [value];
  const spans: Array<{ start: bigint; end: bigint }> = [];
  const { first, last } = cidrBounds(cidr);
  for (const item of items) {
    const { range } = parseDhcpRange(String(item));
    if (!range) continue; // format errors are reported by the key check
    const bounds: bigint[] = [];
    for (const key of ['start-address', 'end-address'] as const) {
      const raw = range[key];
      const addr = parseIp(raw);
      if (!addr) {
        ctx.error(path, raw.includes('/') ? `${key} must be a singular IP` : `${key} is not a valid IP ${raw}`);
        continue;
      }
      if (!cidrContains(cidr, addr)) {
        ctx.error(path, `${key} ${raw} is not in subnet ${cidrText}`);
        continue;
      }
      bounds.push(ipToBigInt(addr));
    }
    if (bounds.length !== 2) continue;
    const [start, end] = bounds;
    if (start > end) {
      ctx.error(path, `start-address ${range['start-address']} must be smaller than end-address ${range['end-address']}`);
      continue;
    }
    if (cidr.family === 4 && cidr.prefix <= 30 && (start === first || end === last)) {
      ctx.error(path, `dhcp range ${range['start-address']}-${range['end-address']} includes the network or broadcast address of ${cidrText}`);
    }
    spans.push({ start, end });
  }
  spans.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start <= spans[i - 1].end) {
      ctx.error(path, 'dhcp ranges must not overlap');
      break;
    }
  }
}

interface Span {
  id: string;
  family: number;
  first: bigint;
  last: bigint;
}

/**
 * Overlapping subnets make IP-to-subnet lookups (P1) ambiguous and install
 * competing routes. They are rejected within one vnet (any zone type), within
 * one evpn zone (one VRF), and across simple zones that share a node (they
 * all route in the node's main table). The reference checks none of this
 * (§3.4: "no normalisation, no overlap check").
 */
function checkOverlaps(ctx: RuleContext): void {
  const spans: Span[] = [];
  for (const id of sortedKeys(ctx.subnets)) {
    const p = ctx.subnetParts(id);
    if (p) spans.push({ id, family: p.parsed.family, ...cidrBounds(p.parsed) });
  }
  const conflict = (a: Span, b: Span): boolean => {
    const va = text(ctx.subnets[a.id].vnet);
    if (va && va === text(ctx.subnets[b.id].vnet)) return true;
    const za = ctx.subnetZone(a.id);
    const zb = ctx.subnetZone(b.id);
    if (!za || !zb) return false;
    const ta = ctx.zoneType(za);
    if (ta !== ctx.zoneType(zb)) return false;
    if (ta === 'evpn') return za === zb;
    return ta === 'simple' && ctx.zonesShareANode(za, zb);
  };
  const reported = new Set<string>();
  const report = (a: Span, b: Span) => {
    if (reported.has(a.id)) return;
    reported.add(a.id);
    ctx.error(`subnets.${a.id}`, `subnet ${ctx.subnetParts(a.id)?.cidr} overlaps with subnet ${b.id}`);
  };
  // CIDR blocks either nest or are disjoint, so after sorting by start (wider
  // first) every block overlaps exactly the blocks still open on the stack.
  spans.sort((a, b) => a.family - b.family || (a.first < b.first ? -1 : a.first > b.first ? 1 : a.last > b.last ? -1 : a.last < b.last ? 1 : 0));
  const open: Span[] = [];
  for (const s of spans) {
    while (open.length && (open[open.length - 1].family !== s.family || open[open.length - 1].last < s.first)) open.pop();
    for (const o of open) {
      if (!conflict(o, s)) continue;
      report(s, o);
      report(o, s);
    }
    open.push(s);
  }
}

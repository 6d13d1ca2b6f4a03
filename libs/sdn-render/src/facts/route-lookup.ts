import * as ipaddr from 'ipaddr.js';
import type { NodeFacts } from './node-facts';

export interface RouteAnswer {
  ip: string | null;
  iface: string | null;
}

const NONE: RouteAnswer = { ip: null, iface: null };

/**
 * The kernel's answer to "ip route get <target>": longest prefix match over
 * the node's routing table, same address family only.
 */
export function routeLookup(facts: NodeFacts, target: string): RouteAnswer {
  if (!ipaddr.isValid(target)) return NONE;
  const addr = ipaddr.parse(target);
  let best: { len: number; ans: RouteAnswer } | null = null;
  for (const r of facts.routes) {
    let net: [ipaddr.IPv4 | ipaddr.IPv6, number];
    try {
      net = ipaddr.parseCIDR(r.dst);
    } catch {
      continue;
    }
    if (net[0].kind() !== addr.kind()) continue;
    if (!addr.match(net as [typeof addr, number])) continue;
    if (!best || net[1] > best.len) best = { len: net[1], ans: { ip: r.src, iface: r.dev } };
  }
  return best ? best.ans : NONE;
}

/** Targets the reference asks the route for when it needs "the outgoing address" (SNAT). */
export const OUTSIDE_TARGET_V4 = '8.8.8.8';
export const OUTSIDE_TARGET_V6 = '2001:4860:4860::8888';

import * as ipaddr from 'ipaddr.js';
import type { NodeFacts, Route } from './node-facts';

export interface RouteAnswer {
  ip: string | null;
  iface: string | null;
}

const NONE: RouteAnswer = { ip: null, iface: null };

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses an address by its family's own parser (the generic one tries IPv6 first and throws on every IPv4). */
export function parseAddress(text: string): Address | null {
  try {
    return text.includes(':') ? ipaddr.IPv6.parse(text) : ipaddr.IPv4.parse(text);
  } catch {
    return null;
  }
}

function parsePrefix(text: string): [Address, number] | null {
  try {
    return text.includes(':') ? ipaddr.IPv6.parseCIDR(text) : ipaddr.IPv4.parseCIDR(text);
  } catch {
    return null;
  }
}

interface ParsedRoute {
  net: Address;
  len: number;
  answer: RouteAnswer;
}

// Lookups run once per vnet while rendering; the table is parsed once per facts object.
const parsedTables = new WeakMap<Route[], ParsedRoute[]>();

function parsedTable(routes: Route[]): ParsedRoute[] {
  let table = parsedTables.get(routes);
  if (!table) {
    table = [];
    for (const r of routes) {
      const p = parsePrefix(r.dst);
      if (p) table.push({ net: p[0], len: p[1], answer: { ip: r.src, iface: r.dev } });
    }
    parsedTables.set(routes, table);
  }
  return table;
}

/**
 * The kernel's answer to "ip route get <target>": longest prefix match over
 * the node's routing table, same address family only.
 */
export function routeLookup(facts: NodeFacts, target: string): RouteAnswer {
  const addr = parseAddress(target);
  if (!addr) return NONE;
  let best: ParsedRoute | null = null;
  for (const r of parsedTable(facts.routes)) {
    if (r.net.kind() !== addr.kind()) continue;
    if (!addr.match(r.net as never, r.len)) continue;
    if (!best || r.len > best.len) best = r;
  }
  return best ? best.answer : NONE;
}

/** Targets the reference asks the route for when it needs "the outgoing address" (SNAT). */
export const OUTSIDE_TARGET_V4 = '8.8.8.8';
export const OUTSIDE_TARGET_V6 = '2001:4860:4860::8888';

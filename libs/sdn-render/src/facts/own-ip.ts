import type { NodeFacts } from './node-facts';
import { routeLookup, type RouteAnswer } from './route-lookup';

// The same lookup runs once per vnet of a zone; answer it once per node.
const answers = new WeakMap<NodeFacts, Map<string, RouteAnswer>>();

/**
 * The node's own address towards a set of peers (rendering.md §1.9):
 * 1. the preferred interface's address, when it has one;
 * 2. else the first peer that is one of the node's interface addresses;
 * 3. else the route lookup towards the first peer.
 * Unlike the reference this is stateless: the same inputs always give the
 * same answer (the reference's alternation is an iterator bug, spec/README).
 */
export function ownIp(facts: NodeFacts, peers: string[], preferredIface?: string): RouteAnswer {
  let memo = answers.get(facts);
  if (!memo) answers.set(facts, (memo = new Map()));
  const key = `${preferredIface ?? ''}|${peers.join(',')}`;
  let answer = memo.get(key);
  if (!answer) memo.set(key, (answer = lookup(facts, peers, preferredIface)));
  return answer;
}

function lookup(facts: NodeFacts, peers: string[], preferredIface?: string): RouteAnswer {
  if (preferredIface) {
    const addr = facts.addresses[preferredIface];
    if (addr) return { ip: addr, iface: preferredIface };
  }
  const byAddress = new Map<string, string>();
  for (const [iface, addr] of Object.entries(facts.addresses)) if (!byAddress.has(addr)) byAddress.set(addr, iface);
  for (const peer of peers) {
    const iface = byAddress.get(peer);
    if (iface !== undefined) return { ip: peer, iface };
  }
  if (peers.length === 0) return { ip: null, iface: null };
  return routeLookup(facts, peers[0]);
}

import type { RunningConfig } from '@sdn/model';
import { sortedKeys, text } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';
import { bgpControllerFrr } from '../controllers/bgp/frr';
import { evpnControllerFrr } from '../controllers/evpn/frr';
import { isisControllerFrr } from '../controllers/isis/frr';
import { fabricsFrr } from '../fabrics/frr';
import { hasFabrics, type ConfigWithFabrics } from '../fabrics/model';
import { evpnVnetFrr, evpnZoneFrr, zoneEvpnController } from '../zones/evpn/frr';
import type { FrrContext } from './context';
import { mergeLocalConfig } from './local-merge';
import { serializeTree } from './serialize';
import { emptyTree, type FrrTree } from './tree';

// The version line is what the reference writes, whatever FRR the node runs.
const frameHead = (nodename: string) => ['frr version 10.4.1', 'frr defaults datacenter', `hostname ${nodename}`, 'log syslog informational', 'service integrated-vtysh-config'];
const FRAME_TAIL = ['!', 'line vty', '!'];

/** Whether the node gets an frr.conf at all (rendering.md §2.1). */
export function producesFrr(config: ConfigWithFabrics, facts: NodeFacts): boolean {
  const controllers = Object.keys(config.controllers?.ids ?? {}).length > 0;
  const local = facts.frrLocal !== undefined && facts.frrLocal !== null;
  return controllers || hasFabrics(config) || local;
}

// Sections of a running config never change once built (as for the subnet
// index); their sorted ids are the same for every node of a cluster render.
const sortedIds = new WeakMap<object, string[]>();
function sortedSection<T>(ids: Record<string, T>): string[] {
  let keys = sortedIds.get(ids);
  if (!keys) sortedIds.set(ids, (keys = sortedKeys(ids)));
  return keys;
}

/** The raw tree for one node, after the local merge and fabric contributions (§2.2). */
export function buildFrrTree(config: ConfigWithFabrics, facts: NodeFacts): FrrTree {
  const ctx: FrrContext = { config, facts, tree: emptyTree() };

  const controllers = config.controllers?.ids ?? {};
  for (const id of sortedSection(controllers)) {
    const ctl = controllers[id];
    if (ctl.type === 'evpn') evpnControllerFrr(ctx, ctl);
    else if (ctl.type === 'bgp') bgpControllerFrr(ctx, ctl);
    else if (ctl.type === 'isis') isisControllerFrr(ctx, ctl);
  }

  const zones = config.zones?.ids ?? {};
  for (const id of sortedSection(zones)) {
    const ctl = zoneEvpnController(ctx, zones[id]);
    if (ctl) evpnZoneFrr(ctx, id, zones[id], ctl);
  }

  const vnets = config.vnets?.ids ?? {};
  for (const id of sortedSection(vnets)) {
    const zoneId = text(vnets[id].zone);
    const zone = zones[zoneId];
    if (zone && zoneEvpnController(ctx, zone)) evpnVnetFrr(ctx, id, zoneId, zone);
  }

  mergeLocalConfig(ctx.tree, facts.frrLocal);
  fabricsFrr(ctx);
  return ctx.tree;
}

/**
 * `/etc/frr/frr.conf` for one node, or undefined when the node gets none.
 * Throws when a value cannot be printed as FRR expects (e.g. an IPv6 router-id).
 */
export function renderFrr(config: RunningConfig, facts: NodeFacts): string | undefined {
  if (!producesFrr(config, facts)) return undefined;
  const body = serializeTree(buildFrrTree(config, facts));
  return [...frameHead(facts.nodename), ...body, ...FRAME_TAIL].join('\n') + '\n';
}

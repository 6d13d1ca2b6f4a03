import type { Controller } from '@sdn/model';
import { sortedKeys, text } from '@sdn/model';
import type { NodeFacts } from '../facts/node-facts';
import type { ConfigWithFabrics } from '../fabrics/model';
import type { FrrTree } from './tree';

/** What every FRR generator works on: the config, the node, and the tree being built. */
export interface FrrContext {
  config: ConfigWithFabrics;
  facts: NodeFacts;
  tree: FrrTree;
}

/**
 * The controller of `type` bound to this node (`node` = nodename). The
 * reference leaves the choice among several unspecified; we take the first id
 * in byte order so the answer is stable.
 */
export function boundController(ctx: FrrContext, type: string): Controller | undefined {
  const ids = ctx.config.controllers?.ids ?? {};
  const id = sortedKeys(ids).find((k) => ids[k].type === type && text(ids[k].node) === ctx.facts.nodename);
  return id === undefined ? undefined : ids[id];
}

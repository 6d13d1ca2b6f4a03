import { BUILTIN_IPAM } from '../schema/ipams';
import { isSet, sortedKeys, text } from '../values';
import { forEachDuplicate, groupBy, type RuleContext } from './context';

/** Controller rules of §3.5 and the IPAM rule that needs the whole section. */
export function checkControllers(ctx: RuleContext): void {
  const ids = sortedKeys(ctx.controllers);
  const ofType = (t: string) => ids.filter((id) => text(ctx.controllers[id].type) === t);

  // C1: one EVPN controller cluster-wide.
  const evpn = ofType('evpn');
  if (evpn.length > 1) for (const id of evpn) ctx.error(`controllers.${id}.type`, 'only 1 global evpn controller can be defined');

  for (const id of evpn) {
    const c = ctx.controllers[id];
    // C2
    if (isSet(c.peers) === isSet(c.fabric)) {
      ctx.error(`controllers.${id}.peers`, 'must have exactly one of peers / fabric defined');
      ctx.error(`controllers.${id}.fabric`, 'must have exactly one of peers / fabric defined');
    }
    const fabric = text(c.fabric);
    if (fabric && ctx.fabricExists(fabric) === false) ctx.error(`controllers.${id}.fabric`, `fabric ${fabric} does not exist`);
  }

  // C3, C4 by the controller's own node — the reference counts against the
  // node serving the API request and tolerates two others (B.13).
  for (const t of ['bgp', 'isis']) {
    forEachDuplicate(
      groupBy(ofType(t), (id) => text(ctx.controllers[id].node) || undefined),
      (id, other, node) => ctx.error(`controllers.${id}.node`, `only 1 ${t} controller can be defined per node: ${other} is also on node ${node}`),
    );
  }
}

export function checkIpams(ctx: RuleContext): void {
  const pve = ctx.ipams?.[BUILTIN_IPAM];
  if (pve && text(pve.type) !== BUILTIN_IPAM) ctx.error(`ipams.${BUILTIN_IPAM}.type`, `ipam '${BUILTIN_IPAM}' is the built-in IPAM and must be of type '${BUILTIN_IPAM}'`);
}

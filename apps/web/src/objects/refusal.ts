import type { Permissions } from '../auth/permissions';
import type { Kind } from './kinds';

type Obj = Record<string, unknown>;

/**
 * Why the caller may not create an object of `kind` (under `parent`, for kinds
 * that live under one), from their ACL; undefined: the button is enabled. The
 * API checks again: this only avoids a refusal after the click.
 */
export function createRefusal(kind: Kind, perms: Permissions, parent: Obj | undefined, needsParent: boolean): string | undefined {
  const parentLabel = kind.parent?.label.toLowerCase() ?? 'parent';
  if (needsParent && !parent) return `choose a ${parentLabel} first`;
  if (parent?.state === 'deleted') return `the ${parentLabel} is deleted at the next apply`;
  const path = kind.createAcl(parent);
  const allowed = kind.createBelow ? perms.canSomewhere('SDN.Allocate', path) : perms.can('SDN.Allocate', path);
  if (!allowed) return 'you may not create here (SDN.Allocate)';
  // Which node is typed in the dialog: enabled if some node allows it, the API's 403 names a refused one.
  if (kind.also && !perms.canSomewhere(kind.also.priv, kind.also.below)) return `you may not change any of ${kind.also.below} (${kind.also.priv})`;
  return undefined;
}

/** Why the caller may not edit or delete `o`; undefined: allowed. */
export function changeRefusal(kind: Kind, perms: Permissions, o: Obj): string | undefined {
  if (!perms.can('SDN.Allocate', kind.aclPath(o))) return 'you may not change this object (SDN.Allocate)';
  if (kind.also && !perms.can(kind.also.priv, kind.also.path(o))) return `you may not change ${kind.also.path(o)} (${kind.also.priv})`;
  if (o.state === 'deleted') return 'already deleted (pending)';
  return undefined;
}

import { pathPrefixes } from './acl-path';
import { BUILTIN_ROLES, type Privilege, type Role } from './privileges';

export interface AclEntry {
  path: string;
  /** `user` entries name a user id (`alice@pve`); `token` entries a full token id (`alice@pve!ci`). */
  type: 'user' | 'token';
  ugid: string;
  roleid: string;
  /** Applies to the sub-tree below `path` too (the reference's default). */
  propagate: boolean;
}

export interface User {
  userid: string;
  enable: boolean;
  /** Unix time after which the user cannot authenticate; 0 = never. */
  expire: number;
  comment?: string;
  email?: string;
  firstname?: string;
  lastname?: string;
}

export interface ApiToken {
  /** `USER@REALM!TOKENID`. */
  fullTokenId: string;
  userid: string;
  /** Privilege separation: the token's rights are its own ACLs intersected with its user's. */
  privsep: boolean;
  expire: number;
  comment?: string;
}

export interface AccessState {
  users: Record<string, User>;
  tokens: Record<string, ApiToken>;
  acl: AclEntry[];
  roles: Record<string, Role>;
}

/** Who is calling, after authentication. */
export type Principal = { kind: 'user'; userid: string } | { kind: 'token'; fullTokenId: string; userid: string };

/** The superuser of the reference: every privilege everywhere, never restricted by ACLs. */
export const ROOT_USER = 'root@pam';

function rolePrivs(state: AccessState, roleid: string): Privilege[] {
  return (state.roles[roleid] ?? BUILTIN_ROLES[roleid])?.privs ?? [];
}

/**
 * Privileges of one ACL subject on `path`, as the reference computes them:
 * walking from `/` to the path, the deepest level that has entries for the
 * subject decides (its roles replace everything inherited); an entry that
 * does not propagate only counts on its own path.
 */
function subjectPrivs(state: AccessState, type: AclEntry['type'], ugid: string, path: string): Set<Privilege> {
  let current = new Set<Privilege>();
  for (const prefix of pathPrefixes(path)) {
    const here = state.acl.filter((e) => e.type === type && e.ugid === ugid && e.path === prefix && (e.propagate || prefix === path));
    if (here.length) current = new Set(here.flatMap((e) => rolePrivs(state, e.roleid)));
  }
  return current;
}

export type AuthFailure = 'unknown' | 'disabled' | 'expired';

/** Why a principal may not act at all (at time `now`, Unix seconds), or null when it may. */
export function principalProblem(state: AccessState, p: Principal, now: number): AuthFailure | null {
  const user = state.users[p.userid];
  if (p.userid !== ROOT_USER) {
    if (!user) return 'unknown';
    if (!user.enable) return 'disabled';
    if (user.expire && user.expire <= now) return 'expired';
  }
  if (p.kind === 'token') {
    const token = state.tokens[p.fullTokenId];
    if (!token || token.userid !== p.userid) return 'unknown';
    if (token.expire && token.expire <= now) return 'expired';
  }
  return null;
}

/** Effective privileges of a principal on a path. */
export function privileges(state: AccessState, p: Principal, path: string): Set<Privilege> {
  const userPrivs = p.userid === ROOT_USER ? new Set<Privilege>(BUILTIN_ROLES.Administrator.privs) : subjectPrivs(state, 'user', p.userid, path);
  if (p.kind === 'user') return userPrivs;
  const token = state.tokens[p.fullTokenId];
  if (!token || !token.privsep) return userPrivs;
  const own = subjectPrivs(state, 'token', p.fullTokenId, path);
  return new Set([...own].filter((x) => userPrivs.has(x)));
}

export function hasPrivilege(state: AccessState, p: Principal, path: string, priv: Privilege): boolean {
  return privileges(state, p, path).has(priv);
}

/** True when the principal holds `priv` on `path` or anywhere below it (for showing a parent in a list). */
export function hasPrivilegeAtOrBelow(state: AccessState, p: Principal, path: string, priv: Privilege): boolean {
  if (hasPrivilege(state, p, path, priv)) return true;
  const subject = p.kind === 'token' ? p.fullTokenId : p.userid;
  const below = state.acl.filter((e) => (e.ugid === subject || e.ugid === p.userid) && e.path.startsWith(path + '/'));
  return below.some((e) => hasPrivilege(state, p, e.path, priv));
}

export function emptyAccessState(): AccessState {
  return { users: {}, tokens: {}, acl: [], roles: { ...BUILTIN_ROLES } };
}

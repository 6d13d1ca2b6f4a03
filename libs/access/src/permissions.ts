import { pathPrefixes } from './acl-path';
import { BUILTIN_ROLES, type Privilege, type Role } from './privileges';

export interface AclEntry {
  path: string;
  /** `user` entries name a user id (`alice@pve`); `token` entries a full token id (`alice@pve!ci`); `group` entries a group id (its members' grant). */
  type: 'user' | 'token' | 'group';
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
  /** Groups the user is a member of (the reference keeps membership with the user: `groups` on /access/users). */
  groups?: string[];
}

export interface Group {
  groupid: string;
  comment?: string;
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
  groups: Record<string, Group>;
}

/** Who is calling, after authentication. */
export type Principal = { kind: 'user'; userid: string } | { kind: 'token'; fullTokenId: string; userid: string };

/** The superuser of the reference: every privilege everywhere, never restricted by ACLs. */
export const ROOT_USER = 'root@pam';

/**
 * A record's own entry: ids come from requests, and `constructor` or
 * `__proto__` must not find Object.prototype's members.
 */
export function entryOf<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

function rolePrivs(state: AccessState, roleid: string): Privilege[] {
  return (entryOf(state.roles, roleid) ?? entryOf(BUILTIN_ROLES, roleid))?.privs ?? [];
}

type Entries = (prefix: string) => AclEntry[];

/** Roles of the entries that apply on `path` (an entry that does not propagate only counts on its own path). */
function applying(entries: AclEntry[], prefix: string, path: string): AclEntry[] {
  return entries.filter((e) => e.propagate || prefix === path);
}

/**
 * Privileges on `path` as the reference computes them: walking from `/` to
 * the path, the deepest level that has entries for the subject decides (its
 * roles replace everything inherited). For a user, its own entries on a
 * level win over its groups' entries on that level; its groups' entries
 * together replace what was inherited.
 */
function walk(state: AccessState, path: string, levels: Entries[]): Set<Privilege> {
  let current = new Set<Privilege>();
  for (const prefix of pathPrefixes(path)) {
    for (const entries of levels) {
      const here = applying(entries(prefix), prefix, path);
      if (here.length) {
        current = new Set(here.flatMap((e) => rolePrivs(state, e.roleid)));
        break;
      }
    }
  }
  return current;
}

const entriesOf = (state: AccessState, type: AclEntry['type'], ugids: ReadonlySet<string>): Entries => (prefix) => state.acl.filter((e) => e.type === type && e.path === prefix && ugids.has(e.ugid));

/** Groups the user belongs to that still exist. */
export function userGroups(state: AccessState, userid: string): string[] {
  return (entryOf(state.users, userid)?.groups ?? []).filter((g) => entryOf(state.groups, g));
}

function userPrivs(state: AccessState, userid: string, path: string): Set<Privilege> {
  return walk(state, path, [entriesOf(state, 'user', new Set([userid])), entriesOf(state, 'group', new Set(userGroups(state, userid)))]);
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
  const ofUser = p.userid === ROOT_USER ? new Set<Privilege>(BUILTIN_ROLES.Administrator.privs) : userPrivs(state, p.userid, path);
  if (p.kind === 'user') return ofUser;
  const token = state.tokens[p.fullTokenId];
  if (!token || !token.privsep) return ofUser;
  const own = walk(state, path, [entriesOf(state, 'token', new Set([p.fullTokenId]))]);
  return new Set([...own].filter((x) => ofUser.has(x)));
}

export function hasPrivilege(state: AccessState, p: Principal, path: string, priv: Privilege): boolean {
  return privileges(state, p, path).has(priv);
}

/** True when the principal holds `priv` on `path` or anywhere below it (for showing a parent in a list). */
export function hasPrivilegeAtOrBelow(state: AccessState, p: Principal, path: string, priv: Privilege): boolean {
  if (hasPrivilege(state, p, path, priv)) return true;
  const below = state.acl.filter((e) => concerns(state, p, e) && e.path.startsWith(path + '/'));
  return below.some((e) => hasPrivilege(state, p, e.path, priv));
}

/** True when an ACL entry names the principal, its user, or a group of its user. */
export function concerns(state: AccessState, p: Principal, e: AclEntry): boolean {
  if (e.type === 'group') return userGroups(state, p.userid).includes(e.ugid);
  if (e.type === 'token') return p.kind === 'token' && e.ugid === p.fullTokenId;
  return e.ugid === p.userid;
}

export function emptyAccessState(): AccessState {
  return { users: {}, tokens: {}, acl: [], roles: { ...BUILTIN_ROLES }, groups: {} };
}

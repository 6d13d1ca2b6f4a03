import type { AccessState, AclEntry, ApiToken, Group, User } from './permissions';

/**
 * Access-control events. Like the SDN object events they carry the resulting
 * record, so replaying the log never re-runs validation. Token secrets never
 * appear here: the salted hash lives in the credential table only, so neither
 * the log nor the bus ever carries anything that could be used to log in.
 */
export const ACCESS_AGGREGATES = { user: 'user', token: 'token', acl: 'acl', group: 'group' } as const;
export const ACCESS_AGGREGATE_TYPES: readonly string[] = Object.values(ACCESS_AGGREGATES);

/** Aggregate of refused requests (one aggregate per attempt, so writers never contend on versions). */
export const AUDIT_AGGREGATE = 'audit';

export interface UserWrittenV1 {
  user: User;
}
export interface UserDeletedV1 {
  userid: string;
}
/** A user's password was set or changed (the hash lives in the credential table only, never here). */
export interface UserPasswordChangedV1 {
  userid: string;
}
export interface GroupWrittenV1 {
  group: Group;
}

/** A group was deleted; its members' `groups` and its ACL entries are changed by their own events before it. */
export interface GroupDeletedV1 {
  groupid: string;
}

export interface TokenWrittenV1 {
  token: ApiToken;
}
export interface TokenDeletedV1 {
  fullTokenId: string;
}
/** One `PUT /access/acl` on one path: the entries it added and those it removed. */
export interface AclChangedV1 {
  path: string;
  set: AclEntry[];
  removed: AclEntry[];
}

/**
 * A refused request, for the audit trail. `principal` is the authenticated
 * caller (403) or the token id it claimed (401; absent when none was sent).
 */
export interface AccessDeniedV1 {
  status: 401 | 403 | 429;
  method: string;
  url: string;
  principal?: string;
  /** Machine-readable reason: `no-credentials`, `bad-credentials`, `expired`, `disabled`, `unknown`, `privilege`. */
  reason: string;
  /** What was missing (403): privileges and the ACL path checked. */
  required?: { privileges: string[]; path: string };
  source: string;
}

export type AccessEventType =
  | 'UserCreated'
  | 'UserUpdated'
  | 'UserDeleted'
  | 'UserPasswordChanged'
  | 'TokenCreated'
  | 'TokenUpdated'
  | 'TokenDeleted'
  | 'AclChanged'
  | 'GroupCreated'
  | 'GroupUpdated'
  | 'GroupDeleted';

export interface AccessEvent {
  type: string;
  payload: unknown;
}

function sameEntry(a: AclEntry, b: AclEntry): boolean {
  return a.path === b.path && a.type === b.type && a.ugid === b.ugid && a.roleid === b.roleid;
}

const withEntry = <T>(map: Record<string, T>, key: string, value: T): Record<string, T> => ({ ...map, [key]: value });
function withoutEntry<T>(map: Record<string, T>, key: string): Record<string, T> {
  const out = { ...map };
  delete out[key];
  return out;
}

/** Folds one event into a new state; other event types leave it untouched (the same object). */
export function reduceAccess(state: AccessState, ev: AccessEvent): AccessState {
  switch (ev.type) {
    case 'UserCreated':
    case 'UserUpdated': {
      const { user } = ev.payload as UserWrittenV1;
      return { ...state, users: withEntry(state.users, user.userid, user) };
    }
    case 'UserDeleted':
      return { ...state, users: withoutEntry(state.users, (ev.payload as UserDeletedV1).userid) };
    case 'TokenCreated':
    case 'TokenUpdated': {
      const { token } = ev.payload as TokenWrittenV1;
      return { ...state, tokens: withEntry(state.tokens, token.fullTokenId, token) };
    }
    case 'TokenDeleted':
      return { ...state, tokens: withoutEntry(state.tokens, (ev.payload as TokenDeletedV1).fullTokenId) };
    case 'GroupCreated':
    case 'GroupUpdated': {
      const { group } = ev.payload as GroupWrittenV1;
      return { ...state, groups: withEntry(state.groups, group.groupid, group) };
    }
    case 'GroupDeleted':
      return { ...state, groups: withoutEntry(state.groups, (ev.payload as GroupDeletedV1).groupid) };
    case 'AclChanged': {
      const p = ev.payload as AclChangedV1;
      const kept = state.acl.filter((e) => !p.removed.some((r) => sameEntry(e, r)) && !p.set.some((s) => sameEntry(e, s)));
      return { ...state, acl: [...kept, ...p.set] };
    }
    default:
      return state;
  }
}

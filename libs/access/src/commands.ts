import { isValidAclPath } from './acl-path';
import { ACCESS_AGGREGATES, type AccessEventType, type AclChangedV1, type GroupDeletedV1, type GroupWrittenV1, type TokenDeletedV1, type TokenWrittenV1, type UserDeletedV1, type UserPasswordChangedV1, type UserWrittenV1 } from './events';
import { type AccessState, type AclEntry, type ApiToken, entryOf, type Group, ROOT_USER, type User } from './permissions';

/**
 * The access-control commands: each checks its input against the current
 * state and answers the events to append, or throws AccessCommandError
 * (`field` set → a parameter error, HTTP 400; `notFound` → 404).
 */
export class AccessCommandError extends Error {
  constructor(
    message: string,
    readonly field?: string,
    readonly notFound = false,
  ) {
    super(message);
  }
}

export interface AccessDraft {
  type: AccessEventType;
  aggregateType: string;
  aggregateId: string;
  payload: unknown;
}

/** `name@realm`; the name may not contain what token ids and ACL subjects use as separators. */
export const USERID_RE = /^[^\s:/@!=,\x00-\x1f\x7f]{1,60}@[A-Za-z][A-Za-z0-9.\-_]{0,31}$/;
export const TOKENID_RE = /^[A-Za-z][A-Za-z0-9.\-_]{0,63}$/;
/**
 * The reference's `pve-groupid`, bounded, and starting with a letter or digit
 * (no `.`/`..`, no option-like `-x`: a group id also ends up in ACL paths).
 */
export const GROUPID_RE = /^[A-Za-z0-9][A-Za-z0-9.\-_]{0,63}$/;
const EMAIL_RE = /^[^\s@\x00-\x1f]{1,64}@[^\s@\x00-\x1f]{1,190}$/;

export interface UserInput {
  enable?: boolean;
  expire?: number;
  comment?: string;
  email?: string;
  firstname?: string;
  lastname?: string;
  /** Groups to be a member of: replaces the current ones, or with `append` adds to them. */
  groups?: string[];
  append?: boolean;
}

export interface GroupInput {
  comment?: string;
}

export interface TokenInput {
  privsep?: boolean;
  expire?: number;
  comment?: string;
}

export interface AclInput {
  path: string;
  roles: string[];
  users: string[];
  tokens: string[];
  groups?: string[];
  propagate: boolean;
  delete: boolean;
}

export function userExists(state: AccessState, userid: string): boolean {
  return userid === ROOT_USER || Boolean(state.users[userid]);
}

function checkText(field: string, v: string | undefined, max: number): void {
  if (v === undefined) return;
  if (v.length > max) throw new AccessCommandError(`value may only be ${max} characters long`, field);
  if (/[\x00-\x1f\x7f]/.test(v)) throw new AccessCommandError('value may not contain control characters', field);
}

function checkGroups(state: AccessState, groups: string[] | undefined, field: string): void {
  for (const g of groups ?? []) {
    if (!GROUPID_RE.test(g)) throw new AccessCommandError('value does not look like a valid group id', field);
    if (!entryOf(state.groups, g)) throw new AccessCommandError(`no such group '${g}'`, field);
  }
}

function checkUserInput(state: AccessState, u: UserInput): void {
  checkGroups(state, u.groups, 'groups');
  if (u.append && u.groups === undefined) throw new AccessCommandError("missing property 'groups' (required by 'append')", 'append');
  checkText('comment', u.comment, 2048);
  checkText('firstname', u.firstname, 256);
  checkText('lastname', u.lastname, 256);
  checkText('email', u.email, 254);
  if (u.email !== undefined && u.email !== '' && !EMAIL_RE.test(u.email)) throw new AccessCommandError('value does not look like a valid email address', 'email');
  if (u.expire !== undefined && (!Number.isSafeInteger(u.expire) || u.expire < 0)) throw new AccessCommandError('value must be at least 0', 'expire');
}

function requireUser(state: AccessState, userid: string): void {
  if (!USERID_RE.test(userid)) throw new AccessCommandError('value does not look like a valid user id', 'userid');
  if (!userExists(state, userid)) throw new AccessCommandError(`no such user ('${userid}')`, undefined, true);
}

const clean = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '' && !(Array.isArray(v) && !v.length))) as T;

/** The user record an input makes of `current` (membership sorted and without repeats, as the reference lists it). */
function userRecord(current: Partial<User>, userid: string, input: UserInput): User {
  const { append, groups, ...rest } = input;
  const members = groups === undefined ? current.groups : append ? [...(current.groups ?? []), ...groups] : groups;
  const user = clean({ ...current, ...rest, userid, groups: members && [...new Set(members)].sort() });
  return { ...user, enable: user.enable ?? true, expire: user.expire ?? 0 };
}

export function createUser(state: AccessState, userid: string, input: UserInput): AccessDraft[] {
  if (!USERID_RE.test(userid)) throw new AccessCommandError('value does not look like a valid user id', 'userid');
  checkUserInput(state, { ...input, append: undefined });
  if (userExists(state, userid)) throw new AccessCommandError(`create user failed: user '${userid}' already exists`, 'userid');
  const user = userRecord({}, userid, { ...input, append: false });
  return [{ type: 'UserCreated', aggregateType: ACCESS_AGGREGATES.user, aggregateId: userid, payload: { user } satisfies UserWrittenV1 }];
}

export function updateUser(state: AccessState, userid: string, input: UserInput): AccessDraft[] {
  requireUser(state, userid);
  if (userid === ROOT_USER) throw new AccessCommandError(`user '${ROOT_USER}' cannot be modified`, 'userid');
  checkUserInput(state, input);
  const user = userRecord(state.users[userid], userid, input);
  return [{ type: 'UserUpdated', aggregateType: ACCESS_AGGREGATES.user, aggregateId: userid, payload: { user } satisfies UserWrittenV1 }];
}

/** Deleting a user takes its tokens and every ACL entry naming it or them along (as the reference does). */
export function deleteUser(state: AccessState, userid: string): AccessDraft[] {
  requireUser(state, userid);
  if (userid === ROOT_USER) throw new AccessCommandError(`user '${ROOT_USER}' cannot be deleted`, 'userid');
  const tokens = Object.values(state.tokens).filter((t) => t.userid === userid);
  const out: AccessDraft[] = [];
  for (const t of tokens) out.push(...deleteToken(state, userid, t.fullTokenId.split('!')[1]));
  out.push(...dropEntries(state, (e) => e.type === 'user' && e.ugid === userid));
  out.push({ type: 'UserDeleted', aggregateType: ACCESS_AGGREGATES.user, aggregateId: userid, payload: { userid } satisfies UserDeletedV1 });
  return out;
}

function dropEntries(state: AccessState, match: (e: AclEntry) => boolean): AccessDraft[] {
  const byPath = new Map<string, AclEntry[]>();
  for (const e of state.acl.filter(match)) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  return [...byPath].map(([path, removed]) => ({ type: 'AclChanged', aggregateType: ACCESS_AGGREGATES.acl, aggregateId: path, payload: { path, set: [], removed } satisfies AclChangedV1 }));
}

export function fullTokenId(userid: string, tokenid: string): string {
  return `${userid}!${tokenid}`;
}

function checkTokenIds(state: AccessState, userid: string, tokenid: string): string {
  requireUser(state, userid);
  if (!TOKENID_RE.test(tokenid)) throw new AccessCommandError('value does not look like a valid token id', 'tokenid');
  return fullTokenId(userid, tokenid);
}

function checkTokenInput(t: TokenInput): void {
  checkText('comment', t.comment, 2048);
  if (t.expire !== undefined && (!Number.isSafeInteger(t.expire) || t.expire < 0)) throw new AccessCommandError('value must be at least 0', 'expire');
}

/** Privilege separation defaults to on, as in the reference: a new token starts without rights of its own. */
export function createToken(state: AccessState, userid: string, tokenid: string, input: TokenInput): { events: AccessDraft[]; token: ApiToken } {
  const id = checkTokenIds(state, userid, tokenid);
  checkTokenInput(input);
  if (state.tokens[id]) throw new AccessCommandError(`Token already exists.`, 'tokenid');
  // A token cannot outlive its user.
  const userExpire = state.users[userid]?.expire ?? 0;
  const expire = input.expire ?? userExpire;
  if (userExpire && (!expire || expire > userExpire)) throw new AccessCommandError('Token expiration date must not be after user expiration date', 'expire');
  const token: ApiToken = clean({ fullTokenId: id, userid, privsep: input.privsep ?? true, expire, comment: input.comment });
  return { events: [{ type: 'TokenCreated', aggregateType: ACCESS_AGGREGATES.token, aggregateId: id, payload: { token } satisfies TokenWrittenV1 }], token };
}

export function updateToken(state: AccessState, userid: string, tokenid: string, input: TokenInput): { events: AccessDraft[]; token: ApiToken } {
  const id = checkTokenIds(state, userid, tokenid);
  checkTokenInput(input);
  const current = state.tokens[id];
  if (!current) throw new AccessCommandError(`no such token '${tokenid}' for user '${userid}'`, undefined, true);
  const token: ApiToken = clean({ ...current, ...input });
  return { events: [{ type: 'TokenUpdated', aggregateType: ACCESS_AGGREGATES.token, aggregateId: id, payload: { token } satisfies TokenWrittenV1 }], token };
}

export function deleteToken(state: AccessState, userid: string, tokenid: string): AccessDraft[] {
  const id = checkTokenIds(state, userid, tokenid);
  if (!state.tokens[id]) throw new AccessCommandError(`no such token '${tokenid}' for user '${userid}'`, undefined, true);
  return [
    ...dropEntries(state, (e) => e.type === 'token' && e.ugid === id),
    { type: 'TokenDeleted', aggregateType: ACCESS_AGGREGATES.token, aggregateId: id, payload: { fullTokenId: id } satisfies TokenDeletedV1 },
  ];
}

/** `PUT /access/acl`: adds (or with `delete` removes) one entry per role × subject on the path. */
export function changeAcl(state: AccessState, input: AclInput): AccessDraft[] {
  if (!isValidAclPath(input.path)) throw new AccessCommandError('invalid ACL path', 'path');
  if (!input.roles.length) throw new AccessCommandError('property is missing and it is not optional', 'roles');
  const groups = input.groups ?? [];
  if (!input.users.length && !input.tokens.length && !groups.length) throw new AccessCommandError('either users, groups or tokens is required', 'users');
  for (const r of input.roles) if (!entryOf(state.roles, r)) throw new AccessCommandError(`role '${r}' does not exist`, 'roles');
  for (const u of input.users) if (!USERID_RE.test(u) || !userExists(state, u)) throw new AccessCommandError(`user '${u}' does not exist`, 'users');
  for (const t of input.tokens) if (!state.tokens[t]) throw new AccessCommandError(`token '${t}' does not exist`, 'tokens');
  for (const g of groups) if (!GROUPID_RE.test(g) || !entryOf(state.groups, g)) throw new AccessCommandError(`group '${g}' does not exist`, 'groups');
  const entries: AclEntry[] = [];
  for (const roleid of input.roles) {
    for (const ugid of input.users) entries.push({ path: input.path, type: 'user', ugid, roleid, propagate: input.propagate });
    for (const ugid of input.tokens) entries.push({ path: input.path, type: 'token', ugid, roleid, propagate: input.propagate });
    for (const ugid of groups) entries.push({ path: input.path, type: 'group', ugid, roleid, propagate: input.propagate });
  }
  const payload: AclChangedV1 = input.delete ? { path: input.path, set: [], removed: entries } : { path: input.path, set: entries, removed: [] };
  return [{ type: 'AclChanged', aggregateType: ACCESS_AGGREGATES.acl, aggregateId: input.path, payload }];
}

function requireGroup(state: AccessState, groupid: string): Group {
  if (!GROUPID_RE.test(groupid)) throw new AccessCommandError('value does not look like a valid group id', 'groupid');
  const g = entryOf(state.groups, groupid);
  if (!g) throw new AccessCommandError(`group '${groupid}' does not exist`, undefined, true);
  return g;
}

const groupEvent = (type: 'GroupCreated' | 'GroupUpdated', group: Group): AccessDraft => ({ type, aggregateType: ACCESS_AGGREGATES.group, aggregateId: group.groupid, payload: { group } satisfies GroupWrittenV1 });

export function createGroup(state: AccessState, groupid: string, input: GroupInput): AccessDraft[] {
  if (!GROUPID_RE.test(groupid)) throw new AccessCommandError('value does not look like a valid group id', 'groupid');
  checkText('comment', input.comment, 2048);
  if (entryOf(state.groups, groupid)) throw new AccessCommandError(`create group failed: group '${groupid}' already exists`, 'groupid');
  return [groupEvent('GroupCreated', clean({ groupid, comment: input.comment }))];
}

export function updateGroup(state: AccessState, groupid: string, input: GroupInput): AccessDraft[] {
  const current = requireGroup(state, groupid);
  checkText('comment', input.comment, 2048);
  return [groupEvent('GroupUpdated', clean({ ...current, ...input, groupid }))];
}

/** Users of a group, sorted. */
export function groupMembers(state: AccessState, groupid: string): string[] {
  return Object.values(state.users)
    .filter((u) => u.groups?.includes(groupid))
    .map((u) => u.userid)
    .sort();
}

/** Deleting a group takes it out of its members' `groups` and drops the ACL entries naming it. */
export function deleteGroup(state: AccessState, groupid: string): AccessDraft[] {
  requireGroup(state, groupid);
  const out: AccessDraft[] = [];
  for (const userid of groupMembers(state, groupid)) {
    const u = state.users[userid];
    const user = clean({ ...u, groups: u.groups!.filter((g) => g !== groupid) });
    out.push({ type: 'UserUpdated', aggregateType: ACCESS_AGGREGATES.user, aggregateId: userid, payload: { user } satisfies UserWrittenV1 });
  }
  out.push(...dropEntries(state, (e) => e.type === 'group' && e.ugid === groupid));
  out.push({ type: 'GroupDeleted', aggregateType: ACCESS_AGGREGATES.group, aggregateId: groupid, payload: { groupid } satisfies GroupDeletedV1 });
  return out;
}

/** The reference's password schema: 5 to 64 characters. */
export const PASSWORD_MIN = 5;
export const PASSWORD_MAX = 64;

export function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN) throw new AccessCommandError(`value must be at least ${PASSWORD_MIN} characters long`, 'password');
  if (password.length > PASSWORD_MAX) throw new AccessCommandError(`value may only be ${PASSWORD_MAX} characters long`, 'password');
  if (/[\x00-\x1f\x7f]/.test(password)) throw new AccessCommandError('value may not contain control characters', 'password');
}

/**
 * Sets a user's password. Only the `pve` realm keeps passwords here, and
 * `root@pam` (whose password stands in for the host's PAM one). The event
 * names the user only: the hash goes to the credential table with it.
 */
export function setPassword(state: AccessState, userid: string, password: string): AccessDraft[] {
  requireUser(state, userid);
  if (userid !== ROOT_USER && !userid.endsWith('@pve')) throw new AccessCommandError(`realm of '${userid}' keeps no passwords here (only @pve users and ${ROOT_USER})`, 'userid');
  checkPassword(password);
  return [{ type: 'UserPasswordChanged', aggregateType: ACCESS_AGGREGATES.user, aggregateId: userid, payload: { userid } satisfies UserPasswordChangedV1 }];
}

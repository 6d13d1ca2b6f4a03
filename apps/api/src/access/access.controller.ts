import { FilteredList } from '../auth/list-filter.interceptor';
import { Controller, Delete, Get, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  type AccessState,
  AccessCommandError,
  type ApiToken,
  concerns,
  entryOf,
  changeAcl,
  checkPassword,
  createGroup,
  createToken,
  createUser,
  deleteGroup,
  deleteToken,
  deleteUser,
  groupMembers,
  type GroupInput,
  fullTokenId,
  privileges,
  ROOT_USER,
  type TokenInput,
  updateGroup,
  updateToken,
  updateUser,
  userGroups,
  type User,
  type UserInput,
  userExists,
  setPassword,
} from '@sdn/access';
import { foldAccess, hashPassword, newSecret } from '@sdn/event-store';
import { Actor } from '../auth/auth.guard';
import { AnyUser, Privilege } from '../auth/privilege.decorator';
import { TokenService } from '../auth/token.service';
import { ApiError } from '../core/api-error';
import { boolParam, CorrelationId, optInt, optString, type Params, ReqParams } from '../core/params';
import { AccessStateService } from './access-state.service';

const bit = (b: boolean) => (b ? 1 : 0);

/** Parameters each endpoint accepts; anything else is refused like the reference's schema does. */
function onlyKnown(p: Params, allowed: string[]): void {
  const extra = Object.keys(p).filter((k) => !allowed.includes(k));
  if (extra.length) throw ApiError.params(Object.fromEntries(extra.slice(0, 10).map((k) => [k.slice(0, 64), 'property is not defined in schema and the schema does not allow additional properties'])));
}

/** A list parameter: repeated keys or a comma/semicolon/space separated string. */
function listParam(p: Params, name: string): string[] {
  const v = p[name];
  if (v === undefined || v === null || v === '') return [];
  const parts = Array.isArray(v) ? v : [v];
  if (parts.length > 256 || !parts.every((x) => typeof x === 'string')) throw ApiError.param(name, 'value must be a list of strings');
  const out = (parts as string[]).flatMap((s) => s.split(/[,;\s]+/)).filter(Boolean);
  if (out.some((s) => s.length > 128)) throw ApiError.param(name, 'list entries may only be 128 characters long');
  return out;
}

/** `expire` and the free-text fields, parsed alike for users and tokens. */
function expireAndTexts<K extends string>(p: Params, texts: readonly K[]): { expire?: number } & Partial<Record<K, string>> {
  const out: { expire?: number } & Partial<Record<K, string>> = {};
  const expire = optInt(p, 'expire', 0, Number.MAX_SAFE_INTEGER);
  if (expire !== undefined) out.expire = expire;
  for (const k of texts) {
    const v = optString(p, k, 2048);
    if (v !== undefined) (out as Partial<Record<K, string>>)[k] = v;
  }
  return out;
}

function userInput(p: Params): UserInput {
  const out: UserInput = expireAndTexts(p, ['comment', 'email', 'firstname', 'lastname'] as const);
  if (p.enable !== undefined) out.enable = boolParam(p, 'enable', true);
  if (p.groups !== undefined) out.groups = listParam(p, 'groups');
  if (p.append !== undefined) out.append = boolParam(p, 'append', false);
  return out;
}

function groupInput(p: Params): GroupInput {
  const comment = optString(p, 'comment', 2048);
  return comment === undefined ? {} : { comment };
}

function tokenInput(p: Params): TokenInput {
  const out: TokenInput = expireAndTexts(p, ['comment'] as const);
  if (p.privsep !== undefined) out.privsep = boolParam(p, 'privsep', true);
  return out;
}

function tokenInfo(t: ApiToken): Record<string, unknown> {
  return { ...(t.comment ? { comment: t.comment } : {}), expire: t.expire, privsep: bit(t.privsep) };
}

/** A user as the reference shows it: `groups` a comma-separated string in lists, an array for one user. */
function userView(state: AccessState, u: User, withTokens: 'list' | 'map' | false): Record<string, unknown> {
  const out: Record<string, unknown> = { userid: u.userid, enable: bit(u.enable), expire: u.expire };
  for (const k of ['comment', 'email', 'firstname', 'lastname'] as const) if (u[k]) out[k] = u[k];
  const groups = userGroups(state, u.userid);
  if (groups.length) out.groups = withTokens === 'map' ? groups : groups.join(',');
  if (withTokens) {
    const tokens = Object.values(state.tokens)
      .filter((t) => t.userid === u.userid)
      .sort((a, b) => (a.fullTokenId < b.fullTokenId ? -1 : 1));
    const tokenid = (t: ApiToken) => t.fullTokenId.slice(t.fullTokenId.indexOf('!') + 1);
    out.tokens = withTokens === 'list' ? tokens.map((t) => ({ tokenid: tokenid(t), ...tokenInfo(t) })) : Object.fromEntries(tokens.map((t) => [tokenid(t), tokenInfo(t)]));
  }
  return out;
}

const ROOT: User = { userid: ROOT_USER, enable: true, expire: 0, comment: 'superuser' };

/** Command refusals as HTTP errors. */
export function asApiError(e: unknown): never {
  if (e instanceof AccessCommandError) {
    if (e.notFound) throw ApiError.notFound(e.message);
    if (e.field) throw ApiError.param(e.field, e.message);
    throw new ApiError(400, e.message);
  }
  throw e;
}

/**
 * The reference's `/access` endpoints for users, groups, API tokens, ACLs
 * and roles (logins: TicketController). Every change is an event; token
 * secrets are returned once, on creation, and stored hashed.
 */
@ApiTags('access')
@ApiSecurity('PVEAPIToken')
@Controller('access')
export class AccessController {
  constructor(
    private readonly access: AccessStateService,
    private readonly tokens: TokenService,
  ) {}

  private run<T>(actor: string, correlationId: string | undefined, decide: Parameters<AccessStateService['write']>[1]): Promise<T> {
    return this.access.write(actor, (s) => {
      try {
        return decide(s);
      } catch (e) {
        asApiError(e);
      }
    }, correlationId) as Promise<T>;
  }

  @Get()
  @AnyUser()
  index() {
    return [{ subdir: 'users' }, { subdir: 'groups' }, { subdir: 'acl' }, { subdir: 'roles' }, { subdir: 'permissions' }, { subdir: 'ticket' }, { subdir: 'password' }];
  }

  @Get('users')
  @ApiOperation({ summary: 'List users (full=1: with their tokens; enabled=1: enabled ones only)' })
  @FilteredList(['User.Modify', 'Sys.Audit'], '/access', { self: 'userid' })
  listUsers(@ReqParams() p: Params) {
    const state = this.access.state;
    const full = boolParam(p, 'full', false);
    const enabled = p.enabled === undefined ? undefined : boolParam(p, 'enabled', true);
    return [ROOT, ...Object.values(state.users)]
      .filter((u) => enabled === undefined || u.enable === enabled)
      .sort((a, b) => (a.userid < b.userid ? -1 : 1))
      .map((u) => userView(state, u, full ? 'list' : false));
  }

  @Post('users')
  @ApiOperation({ summary: 'Create a user (userid, enable, expire, comment, email, firstname, lastname, groups; password for @pve users)' })
  @Privilege('User.Modify', '/access')
  async createUser(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    onlyKnown(p, ['userid', 'enable', 'expire', 'comment', 'email', 'firstname', 'lastname', 'groups', 'password']);
    const userid = optString(p, 'userid', 128);
    if (!userid) throw ApiError.param('userid', 'property is missing and it is not optional');
    const input = userInput(p);
    const password = optString(p, 'password', 4096);
    let hash: string | undefined;
    if (password !== undefined) {
      // The password is checked against a would-be user first: a refused one costs no scrypt.
      try {
        checkPassword(password);
      } catch (e) {
        asApiError(e);
      }
      hash = await hashPassword(password);
    }
    await this.run(actor, correlationId, (s) => {
      const events = createUser(s, userid, input);
      if (hash === undefined) return { events, result: null };
      const withUser = foldAccess(s, events);
      return { events: [...events, ...setPassword(withUser, userid, password!)], result: null, credentials: [{ op: 'password', userid, hash }] };
    });
    return null;
  }

  @Get('users/:userid')
  @Privilege(['User.Modify', 'Sys.Audit'], '/access', { self: 'userid' })
  getUser(@ReqParams() p: Params) {
    const state = this.access.state;
    const userid = String(p.userid);
    const u = userid === ROOT_USER ? ROOT : state.users[userid];
    if (!u) throw ApiError.notFound(`no such user ('${userid}')`);
    const { userid: _, ...rest } = userView(state, u, 'map');
    return rest;
  }

  @Put('users/:userid')
  @ApiOperation({ summary: 'Update a user (enable, expire, comment, email, firstname, lastname; groups replaces the membership, with append=1 adds to it)' })
  @Privilege('User.Modify', '/access', { rootOnly: 'userid' })
  async updateUser(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    onlyKnown(p, ['userid', 'enable', 'expire', 'comment', 'email', 'firstname', 'lastname', 'groups', 'append']);
    const userid = String(p.userid);
    const input = userInput(p);
    await this.run(actor, correlationId, (s) => ({ events: updateUser(s, userid, input), result: null }));
    return null;
  }

  @Delete('users/:userid')
  @ApiOperation({ summary: 'Delete a user with its tokens and ACL entries' })
  @Privilege('User.Modify', '/access', { rootOnly: 'userid' })
  async deleteUser(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const userid = String(p.userid);
    const gone = Object.values(this.access.state.tokens).filter((t) => t.userid === userid).map((t) => t.fullTokenId);
    await this.run(actor, correlationId, (s) => {
      const events = deleteUser(s, userid);
      const ids = Object.values(s.tokens).filter((t) => t.userid === userid).map((t) => t.fullTokenId);
      return { events, result: null, credentials: [...ids.map((id) => ({ op: 'delete' as const, id })), { op: 'delete-password' as const, userid }] };
    });
    for (const id of gone) this.tokens.invalidate(id);
    return null;
  }

  @Get('users/:userid/token')
  @Privilege(['User.Modify', 'Sys.Audit'], '/access', { self: 'userid' })
  listTokens(@ReqParams() p: Params) {
    const state = this.access.state;
    const userid = String(p.userid);
    if (!userExists(state, userid)) throw ApiError.notFound(`no such user ('${userid}')`);
    return userView(state, state.users[userid] ?? ROOT, 'list').tokens;
  }

  @Get('users/:userid/token/:tokenid')
  @Privilege(['User.Modify', 'Sys.Audit'], '/access', { self: 'userid' })
  getToken(@ReqParams() p: Params) {
    const t = this.access.state.tokens[fullTokenId(String(p.userid), String(p.tokenid))];
    if (!t) throw ApiError.notFound(`no such token '${String(p.tokenid)}' for user '${String(p.userid)}'`);
    return tokenInfo(t);
  }

  @Post('users/:userid/token/:tokenid')
  @ApiOperation({ summary: 'Create an API token (privsep default 1, expire, comment); the secret is returned once as `value`' })
  @Privilege('User.Modify', '/access', { self: 'userid', rootOnly: 'userid' })
  async createToken(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    onlyKnown(p, ['userid', 'tokenid', 'privsep', 'expire', 'comment']);
    const userid = String(p.userid);
    const tokenid = String(p.tokenid);
    const input = tokenInput(p);
    const secret = newSecret();
    const token = await this.run<ApiToken>(actor, correlationId, (s) => {
      const r = createToken(s, userid, tokenid, input);
      return { events: r.events, result: r.token, credentials: [{ op: 'set', id: r.token.fullTokenId, secret, comment: r.token.comment ?? '' }] };
    });
    this.tokens.invalidate(token.fullTokenId);
    return { 'full-tokenid': token.fullTokenId, info: tokenInfo(token), value: secret };
  }

  @Put('users/:userid/token/:tokenid')
  @ApiOperation({ summary: 'Update an API token (privsep, expire, comment)' })
  @Privilege('User.Modify', '/access', { self: 'userid', rootOnly: 'userid' })
  async updateToken(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    onlyKnown(p, ['userid', 'tokenid', 'privsep', 'expire', 'comment']);
    const userid = String(p.userid);
    const input = tokenInput(p);
    const token = await this.run<ApiToken>(actor, correlationId, (s) => {
      const r = updateToken(s, userid, String(p.tokenid), input);
      return { events: r.events, result: r.token };
    });
    return tokenInfo(token);
  }

  @Delete('users/:userid/token/:tokenid')
  @Privilege('User.Modify', '/access', { self: 'userid', rootOnly: 'userid' })
  async deleteToken(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    const userid = String(p.userid);
    const tokenid = String(p.tokenid);
    const id = fullTokenId(userid, tokenid);
    await this.run(actor, correlationId, (s) => ({ events: deleteToken(s, userid, tokenid), result: null, credentials: [{ op: 'delete', id }] }));
    this.tokens.invalidate(id);
    return null;
  }

  @Get('groups')
  @ApiOperation({ summary: 'List groups (those where the caller has Sys.Audit or Group.Allocate), with their members as `users`' })
  @FilteredList(['Sys.Audit', 'Group.Allocate'], '/access/groups/{groupid}')
  listGroups() {
    const state = this.access.state;
    return Object.values(state.groups)
      .sort((a, b) => (a.groupid < b.groupid ? -1 : 1))
      .map((g) => ({ groupid: g.groupid, ...(g.comment ? { comment: g.comment } : {}), users: groupMembers(state, g.groupid).join(',') }));
  }

  @Post('groups')
  @ApiOperation({ summary: 'Create a group (groupid, comment); members join with `groups` on /access/users' })
  @Privilege('Group.Allocate', '/access/groups')
  async createGroup(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    onlyKnown(p, ['groupid', 'comment']);
    const groupid = optString(p, 'groupid', 128);
    if (!groupid) throw ApiError.param('groupid', 'property is missing and it is not optional');
    const input = groupInput(p);
    await this.run(actor, correlationId, (s) => ({ events: createGroup(s, groupid, input), result: null }));
    return null;
  }

  @Get('groups/:groupid')
  @Privilege(['Sys.Audit', 'Group.Allocate'], '/access/groups/{groupid}')
  getGroup(@ReqParams() p: Params) {
    const state = this.access.state;
    const groupid = String(p.groupid);
    const g = entryOf(state.groups, groupid);
    if (!g) throw ApiError.notFound(`group '${groupid}' does not exist`);
    return { ...(g.comment ? { comment: g.comment } : {}), members: groupMembers(state, groupid) };
  }

  @Put('groups/:groupid')
  @ApiOperation({ summary: 'Update a group (comment)' })
  @Privilege('Group.Allocate', '/access/groups/{groupid}')
  async updateGroup(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    onlyKnown(p, ['groupid', 'comment']);
    const input = groupInput(p);
    await this.run(actor, correlationId, (s) => ({ events: updateGroup(s, String(p.groupid), input), result: null }));
    return null;
  }

  @Delete('groups/:groupid')
  @ApiOperation({ summary: "Delete a group: its members leave it, its ACL entries go with it" })
  @Privilege('Group.Allocate', '/access/groups/{groupid}')
  async deleteGroup(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    await this.run(actor, correlationId, (s) => ({ events: deleteGroup(s, String(p.groupid)), result: null }));
    return null;
  }

  @Get('acl')
  @ApiOperation({ summary: 'ACL entries (those on paths where the caller has Sys.Audit or Permissions.Modify)' })
  @FilteredList(['Sys.Audit', 'Permissions.Modify'], '{path*}')
  listAcl() {
    return [...this.access.state.acl]
      .sort((a, b) => (a.path === b.path ? (a.ugid < b.ugid ? -1 : a.ugid > b.ugid ? 1 : a.roleid < b.roleid ? -1 : 1) : a.path < b.path ? -1 : 1))
      .map((e) => ({ path: e.path, type: e.type, ugid: e.ugid, roleid: e.roleid, propagate: bit(e.propagate) }));
  }

  @Put('acl')
  @ApiOperation({ summary: 'Add or (delete=1) remove ACL entries: path, roles, users, groups and/or tokens, propagate (default 1)' })
  @Privilege('Permissions.Modify', '{path*}')
  async updateAcl(@ReqParams() p: Params, @Actor() actor: string, @CorrelationId() correlationId?: string) {
    onlyKnown(p, ['path', 'roles', 'users', 'tokens', 'groups', 'propagate', 'delete']);
    const path = optString(p, 'path', 1024);
    if (!path) throw ApiError.param('path', 'property is missing and it is not optional');
    const input = {
      path,
      roles: listParam(p, 'roles'),
      users: listParam(p, 'users'),
      tokens: listParam(p, 'tokens'),
      groups: listParam(p, 'groups'),
      propagate: boolParam(p, 'propagate', true),
      delete: boolParam(p, 'delete', false),
    };
    await this.run(actor, correlationId, (s) => {
      // Nobody hands out (or takes away) more than they hold on the path themselves.
      const own = privileges(s, this.access.principal(actor), path);
      for (const r of input.roles) {
        const missing = (entryOf(s.roles, r)?.privs ?? []).filter((x) => !own.has(x));
        if (missing.length) throw ApiError.param('roles', `role '${r}' grants privileges you do not hold on ${path}: ${missing.join(', ')}`);
      }
      return { events: changeAcl(s, input), result: null };
    });
    return null;
  }

  @Get('permissions')
  @ApiOperation({ summary: "The caller's privileges (path: one ACL path; default every path of the ACL tree that concerns it, plus /, /access, /nodes, /sdn and /sdn/zones): {path: {privilege: 1}}" })
  // Any user, about themselves only (as the reference without `userid`): clients such as the web panel
  // grey out what the ACL does not allow instead of failing after the click.
  @AnyUser()
  permissions(@ReqParams() p: Params, @Actor() actor: string) {
    onlyKnown(p, ['path']);
    const path = optString(p, 'path', 1024);
    if (path !== undefined && !path.startsWith('/')) throw ApiError.param('path', 'value must be an ACL path starting with /');
    const state = this.access.state;
    const principal = this.access.principal(actor);
    const paths = path !== undefined ? [path] : [...new Set(['/', '/access', '/nodes', '/sdn', '/sdn/zones', ...state.acl.filter((e) => concerns(state, principal, e)).map((e) => e.path)])].sort();
    const out: Record<string, Record<string, 1>> = {};
    for (const at of paths) {
      const privs = [...privileges(state, principal, at)].sort();
      if (privs.length || path !== undefined) out[at] = Object.fromEntries(privs.map((x) => [x, 1 as const]));
    }
    return out;
  }

  @Get('roles')
  @AnyUser()
  listRoles() {
    return Object.values(this.access.state.roles)
      .sort((a, b) => (a.roleid < b.roleid ? -1 : 1))
      .map((r) => ({ roleid: r.roleid, privs: r.privs.join(','), special: bit(Boolean(r.special)) }));
  }

  @Get('roles/:roleid')
  @AnyUser()
  getRole(@ReqParams() p: Params) {
    const r = entryOf(this.access.state.roles, String(p.roleid));
    if (!r) throw ApiError.notFound(`role '${String(p.roleid)}' does not exist`);
    return Object.fromEntries(r.privs.map((x) => [x, 1]));
  }
}

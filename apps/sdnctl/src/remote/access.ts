import { UsageError } from '../args';
import type { ApiClient } from '../client/api-client';
import { printData, type OutputFormat } from '../output/format';
import { readPassword, type PasswordSource } from './login';

/**
 * Users, API tokens and ACL entries through the API's /access endpoints, as
 * `pveum` does them: the API checks the caller's privileges (User.Modify,
 * Permissions.Modify) and records the change as an event with the caller
 * as actor. Only `sdnctl token bootstrap` writes the database directly.
 */

const TOKEN_ID_RE = /^([^\s@!=:]+@[A-Za-z][A-Za-z0-9.\-_]*)!([A-Za-z][A-Za-z0-9.\-_]*)$/;

/** `USER@REALM!TOKENID` → its two parts; a usage error otherwise. */
export function splitTokenId(id: string): { userid: string; tokenid: string } {
  const m = TOKEN_ID_RE.exec(id);
  if (!m) throw new UsageError(`token id must look like USER@REALM!TOKENID, got '${id}'`);
  return { userid: m[1], tokenid: m[2] };
}

const userPath = (userid: string) => `/access/users/${encodeURIComponent(userid)}`;
const tokenPath = (id: string) => {
  const { userid, tokenid } = splitTokenId(id);
  return `${userPath(userid)}/token/${encodeURIComponent(tokenid)}`;
};
const done = (line: string) => {
  process.stdout.write(`${line}\n`);
  return 0;
};

export interface UserFields {
  /** Groups, comma-separated: on add the membership, on set it replaces it (with `append`: adds to it). */
  groups?: string;
  append?: boolean;
  comment?: string;
  email?: string;
  firstname?: string;
  lastname?: string;
  expire?: string;
  enable?: string;
}

export async function userAdd(client: ApiClient, userid: string, o: UserFields): Promise<number> {
  if (o.append) throw new UsageError('user add: --append only goes with user set');
  await client.call('POST', '/access/users', { userid, ...o });
  return done(`created ${userid}`);
}

export async function userSet(client: ApiClient, userid: string, o: UserFields): Promise<number> {
  const { append, ...fields } = o;
  if (!Object.values(fields).some((v) => v !== undefined)) throw new UsageError('user set: nothing to change (--groups, --comment, --email, --firstname, --lastname, --expire, --enable)');
  if (append && fields.groups === undefined) throw new UsageError('user set: --append adds --groups');
  await client.call('PUT', userPath(userid), { ...fields, ...(append ? { append: 1 } : {}) });
  return done(`updated ${userid}`);
}

export async function userDelete(client: ApiClient, userid: string): Promise<number> {
  await client.call('DELETE', userPath(userid));
  return done(`deleted ${userid} (with its tokens and ACL entries)`);
}

export async function userList(client: ApiClient, o: { outputFormat: OutputFormat }): Promise<number> {
  printData(await client.call('GET', '/access/users'), o.outputFormat, { first: ['userid', 'enable', 'expire', 'comment'] });
  return 0;
}

/** The password is read from a file, standard input or a prompt, never from the command line. */
export async function userPasswd(client: ApiClient, userid: string, o: PasswordSource): Promise<number> {
  const password = await readPassword(o);
  if (!password) throw new UsageError('empty password');
  await client.call('PUT', '/access/password', { userid, password });
  return done(`password set for ${userid}`);
}

export interface TokenFields {
  comment?: string;
  privsep?: string;
  expire?: string;
}

export async function tokenCreate(client: ApiClient, id: string, o: TokenFields & { outputFormat: OutputFormat }): Promise<number> {
  const { outputFormat, ...fields } = o;
  const r = await client.call<{ 'full-tokenid': string; value: string; info: Record<string, unknown> }>('POST', tokenPath(id), { ...fields });
  if (outputFormat !== 'text') {
    printData(r, outputFormat);
    return 0;
  }
  process.stdout.write(`token:  ${r['full-tokenid']}=${r.value}\nheader: Authorization: PVEAPIToken=${r['full-tokenid']}=${r.value}\n`);
  if (r.info.privsep) process.stderr.write(`note: privilege separation is on: the token has no rights until granted (sdnctl acl set PATH --roles R --tokens ${r['full-tokenid']})\n`);
  return 0;
}

export async function tokenDelete(client: ApiClient, id: string): Promise<number> {
  await client.call('DELETE', tokenPath(id));
  return done(`deleted ${id}`);
}

/** Tokens of one user, or of every user the caller may see. */
export async function tokenList(client: ApiClient, userid: string | undefined, o: { outputFormat: OutputFormat }): Promise<number> {
  type Row = { tokenid: string } & Record<string, unknown>;
  let rows: Row[];
  if (userid) {
    rows = (await client.call<Row[]>('GET', `${userPath(userid)}/token`)).map((t) => ({ ...t, tokenid: `${userid}!${t.tokenid}` }));
  } else {
    const users = await client.call<{ userid: string; tokens?: Row[] }[]>('GET', '/access/users', { full: 1 });
    rows = users.flatMap((u) => (u.tokens ?? []).map((t) => ({ ...t, tokenid: `${u.userid}!${t.tokenid}` })));
  }
  printData(rows, o.outputFormat, { first: ['tokenid', 'privsep', 'expire', 'comment'] });
  return 0;
}

export interface AclFields {
  roles: string;
  users?: string;
  tokens?: string;
  groups?: string;
  propagate?: string;
}

/** `set` grants the roles to the users/tokens on the path, `delete` removes exactly those entries. */
export async function aclChange(client: ApiClient, op: 'set' | 'delete', path: string, o: AclFields): Promise<number> {
  if (!o.users && !o.tokens && !o.groups) throw new UsageError(`acl ${op}: name --users, --groups or --tokens`);
  await client.call('PUT', '/access/acl', { path, ...o, ...(op === 'delete' ? { delete: 1 } : {}) });
  return done(`${op === 'set' ? 'granted' : 'removed'} ${o.roles} on ${path}`);
}

export async function aclList(client: ApiClient, o: { outputFormat: OutputFormat }): Promise<number> {
  printData(await client.call('GET', '/access/acl'), o.outputFormat, { first: ['path', 'type', 'ugid', 'roleid', 'propagate'] });
  return 0;
}

export async function roleList(client: ApiClient, o: { outputFormat: OutputFormat }): Promise<number> {
  printData(await client.call('GET', '/access/roles'), o.outputFormat, { first: ['roleid', 'privs'] });
  return 0;
}

const groupPath = (groupid: string) => `/access/groups/${encodeURIComponent(groupid)}`;

export async function groupAdd(client: ApiClient, groupid: string, o: { comment?: string }): Promise<number> {
  await client.call('POST', '/access/groups', { groupid, ...o });
  return done(`created group ${groupid} (members join with sdnctl user set USER --groups ${groupid} --append)`);
}

export async function groupSet(client: ApiClient, groupid: string, o: { comment?: string }): Promise<number> {
  if (o.comment === undefined) throw new UsageError('group set: nothing to change (--comment)');
  await client.call('PUT', groupPath(groupid), { ...o });
  return done(`updated group ${groupid}`);
}

export async function groupDelete(client: ApiClient, groupid: string): Promise<number> {
  await client.call('DELETE', groupPath(groupid));
  return done(`deleted group ${groupid} (its members left it, its ACL entries went with it)`);
}

export async function groupList(client: ApiClient, o: { outputFormat: OutputFormat }): Promise<number> {
  printData(await client.call('GET', '/access/groups'), o.outputFormat, { first: ['groupid', 'users', 'comment'] });
  return 0;
}

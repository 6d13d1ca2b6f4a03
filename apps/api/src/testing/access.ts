import request from 'supertest';
import type { TestApi } from './test-app';

export interface Grant {
  path: string;
  role: string;
  propagate?: boolean;
}

/**
 * Creates a user (if new) and a token for it through the /access API as
 * root, grants the ACL entries (to the user, and with `tokenGrants` to a
 * privilege-separated token), and answers the token's Authorization header.
 */
export async function createPrincipal(
  api: TestApi,
  userid: string,
  tokenid: string,
  opts: { userGrants?: Grant[]; tokenGrants?: Grant[]; privsep?: boolean; expire?: number; userExpire?: number } = {},
): Promise<string> {
  const users = (await api.get('/api2/json/access/users').expect(200)).body.data as { userid: string }[];
  if (!users.some((u) => u.userid === userid)) {
    await api.post('/api2/json/access/users', { userid, ...(opts.userExpire ? { expire: opts.userExpire } : {}) }).expect(200);
  }
  const r = await api
    .post(`/api2/json/access/users/${encodeURIComponent(userid)}/token/${tokenid}`, { privsep: opts.privsep ? 1 : 0, ...(opts.expire !== undefined ? { expire: opts.expire } : {}) })
    .expect(200);
  const full = r.body.data['full-tokenid'] as string;
  for (const g of opts.userGrants ?? []) await api.put('/api2/json/access/acl', { path: g.path, roles: g.role, users: userid, propagate: g.propagate === false ? 0 : 1 }).expect(200);
  for (const g of opts.tokenGrants ?? []) await api.put('/api2/json/access/acl', { path: g.path, roles: g.role, tokens: full, propagate: g.propagate === false ? 0 : 1 }).expect(200);
  return `PVEAPIToken=${full}=${r.body.data.value as string}`;
}

/** A request with another principal's Authorization header. */
export function as(api: TestApi, auth: string) {
  const server = api.app.getHttpServer();
  const path = (p: string) => (p.startsWith('/') ? p : `/api2/json/cluster/sdn/${p}`);
  return {
    get: (p: string) => request(server).get(path(p)).set('Authorization', auth),
    post: (p: string, body?: object) => request(server).post(path(p)).set('Authorization', auth).send(body ?? {}),
    put: (p: string, body?: object) => request(server).put(path(p)).set('Authorization', auth).send(body ?? {}),
    del: (p: string, body?: object) => request(server).delete(path(p)).set('Authorization', auth).send(body ?? {}),
  };
}

/** Event count without the audit trail of refusals (which a refused request is supposed to add to). */
export async function domainEventCount(api: TestApi): Promise<number> {
  const r: { n: string }[] = await api.state().store.ds.query(`SELECT count(*) AS n FROM events WHERE aggregate_type <> 'audit'`);
  return Number(r[0].n);
}

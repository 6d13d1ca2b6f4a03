import { changeAcl, createGroup, createToken, createUser, deleteGroup, deleteToken, deleteUser, groupMembers, updateGroup, updateToken, updateUser, AccessCommandError } from './commands';
import { reduceAccess } from './events';
import { type AccessState, emptyAccessState, hasPrivilege } from './permissions';

function fold(s: AccessState, evs: { type: string; payload: unknown }[]): AccessState {
  return evs.reduce(reduceAccess, s);
}

describe('access commands and their events', () => {
  it('user → token → ACL → rights; deleting the user takes tokens and entries along', () => {
    let s = emptyAccessState();
    s = fold(s, createUser(s, 'amy@pve', { comment: 'A' }));
    const t = createToken(s, 'amy@pve', 'ci', { privsep: true });
    expect(t.token).toEqual({ fullTokenId: 'amy@pve!ci', userid: 'amy@pve', privsep: true, expire: 0 });
    s = fold(s, t.events);
    s = fold(s, changeAcl(s, { path: '/sdn/zones/z1', roles: ['PVESDNAdmin'], users: ['amy@pve'], tokens: [], propagate: true, delete: false }));
    s = fold(s, changeAcl(s, { path: '/sdn/zones/z1', roles: ['PVEAuditor'], users: [], tokens: ['amy@pve!ci'], propagate: true, delete: false }));
    const tok = { kind: 'token' as const, fullTokenId: 'amy@pve!ci', userid: 'amy@pve' };
    expect(hasPrivilege(s, tok, '/sdn/zones/z1/v1', 'SDN.Audit')).toBe(true);
    expect(hasPrivilege(s, tok, '/sdn/zones/z1/v1', 'SDN.Allocate')).toBe(false);
    s = fold(s, updateToken(s, 'amy@pve', 'ci', { privsep: false }).events);
    expect(hasPrivilege(s, tok, '/sdn/zones/z1/v1', 'SDN.Allocate')).toBe(true);

    const evs = deleteUser(s, 'amy@pve');
    expect(evs.map((e) => e.type)).toEqual(['AclChanged', 'TokenDeleted', 'AclChanged', 'UserDeleted']);
    s = fold(s, evs);
    expect(s).toEqual({ ...emptyAccessState(), acl: [] });
  });

  it('re-granting replaces an entry (propagate changes), delete removes only what it names', () => {
    let s = emptyAccessState();
    s = fold(s, createUser(s, 'bo@pve', {}));
    const grant = (propagate: boolean, del = false, roles = ['PVEAuditor']) => (s = fold(s, changeAcl(s, { path: '/sdn', roles, users: ['bo@pve'], tokens: [], propagate, delete: del })));
    grant(true);
    grant(false);
    expect(s.acl).toEqual([{ path: '/sdn', type: 'user', ugid: 'bo@pve', roleid: 'PVEAuditor', propagate: false }]);
    grant(true, false, ['PVESDNUser']);
    grant(true, true, ['PVEAuditor']);
    expect(s.acl.map((e) => e.roleid)).toEqual(['PVESDNUser']);
  });

  it('refuses bad input with the field named, and unknown objects as not found', () => {
    const s = emptyAccessState();
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof AccessCommandError ? [e.field, e.notFound] : e;
      }
      return 'no error';
    };
    expect(err(() => createUser(s, 'no-realm', {}))).toEqual(['userid', false]);
    expect(err(() => createUser(s, 'root@pam', {}))).toEqual(['userid', false]);
    expect(err(() => createUser(s, 'x@pve', { comment: 'a\nb' }))).toEqual(['comment', false]);
    expect(err(() => createUser(s, 'x@pve', { expire: -1 }))).toEqual(['expire', false]);
    expect(err(() => updateUser(s, 'ghost@pve', {}))).toEqual([undefined, true]);
    expect(err(() => createToken(s, 'root@pam', 'bad id', {}))).toEqual(['tokenid', false]);
    expect(err(() => deleteToken(s, 'root@pam', 'none'))).toEqual([undefined, true]);
    expect(err(() => deleteUser(s, 'root@pam'))).toEqual(['userid', false]);
    expect(err(() => changeAcl(s, { path: '/sdn/..', roles: ['PVEAuditor'], users: ['root@pam'], tokens: [], propagate: true, delete: false }))).toEqual(['path', false]);
  });

  it('groups: membership lives with the user; deleting a group takes its members and entries along', () => {
    let s = emptyAccessState();
    s = fold(s, createGroup(s, 'ops', { comment: 'o' }));
    s = fold(s, createGroup(s, 'dev', {}));
    s = fold(s, createUser(s, 'dee@pve', { groups: ['ops', 'ops'] }));
    s = fold(s, updateUser(s, 'dee@pve', { groups: ['dev'], append: true }));
    expect(s.users['dee@pve'].groups).toEqual(['dev', 'ops']);
    expect(groupMembers(s, 'ops')).toEqual(['dee@pve']);
    s = fold(s, changeAcl(s, { path: '/sdn', roles: ['PVEAuditor'], users: [], tokens: [], groups: ['ops'], propagate: true, delete: false }));
    expect(hasPrivilege(s, { kind: 'user', userid: 'dee@pve' }, '/sdn/zones/z', 'SDN.Audit')).toBe(true);
    const evs = deleteGroup(s, 'ops');
    expect(evs.map((e) => e.type)).toEqual(['UserUpdated', 'AclChanged', 'GroupDeleted']);
    s = fold(s, evs);
    expect(s.users['dee@pve'].groups).toEqual(['dev']);
    expect(s.acl).toEqual([]);
    expect(Object.keys(s.groups)).toEqual(['dev']);
    expect(() => createUser(s, 'eve@pve', { groups: ['ops'] })).toThrow(/no such group/);
    expect(() => createGroup(s, 'dev', {})).toThrow(/already exists/);
    expect(() => updateGroup(s, 'ops', {})).toThrow(/does not exist/);
  });

  it('a token cannot outlive its user', () => {
    let s = emptyAccessState();
    s = fold(s, createUser(s, 'cy@pve', { expire: 2000 }));
    expect(createToken(s, 'cy@pve', 't', {}).token.expire).toBe(2000);
    expect(() => createToken(s, 'cy@pve', 't', { expire: 3000 })).toThrow(/must not be after/);
  });
});

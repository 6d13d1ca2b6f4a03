import { emptyAccessState, hasPrivilege, hasPrivilegeAtOrBelow, principalProblem, privileges, ROOT_USER, type AccessState, type Principal } from './permissions';
import { isValidAclPath, pathPrefixes } from './acl-path';

function state(): AccessState {
  const s = emptyAccessState();
  s.users['alice@pve'] = { userid: 'alice@pve', enable: true, expire: 0 };
  s.users['bob@pve'] = { userid: 'bob@pve', enable: true, expire: 0 };
  s.users['old@pve'] = { userid: 'old@pve', enable: true, expire: 1000 };
  s.tokens['alice@pve!ci'] = { fullTokenId: 'alice@pve!ci', userid: 'alice@pve', privsep: true, expire: 0 };
  s.tokens['alice@pve!full'] = { fullTokenId: 'alice@pve!full', userid: 'alice@pve', privsep: false, expire: 0 };
  s.acl.push(
    { path: '/sdn/zones/zoneA', type: 'user', ugid: 'alice@pve', roleid: 'PVESDNAdmin', propagate: true },
    { path: '/sdn/zones/zoneB', type: 'user', ugid: 'bob@pve', roleid: 'PVESDNUser', propagate: false },
    { path: '/sdn', type: 'token', ugid: 'alice@pve!ci', roleid: 'PVEAuditor', propagate: true },
  );
  return s;
}
const alice: Principal = { kind: 'user', userid: 'alice@pve' };
const bob: Principal = { kind: 'user', userid: 'bob@pve' };

describe('ACL permissions', () => {
  it('propagates a zone grant to the vnets below it', () => {
    expect(hasPrivilege(state(), alice, '/sdn/zones/zoneA/vnet1', 'SDN.Allocate')).toBe(true);
    expect(hasPrivilege(state(), alice, '/sdn/zones/zoneB', 'SDN.Audit')).toBe(false);
    expect(hasPrivilege(state(), alice, '/sdn', 'SDN.Allocate')).toBe(false);
  });
  it('does not propagate an entry without propagate', () => {
    expect(hasPrivilege(state(), bob, '/sdn/zones/zoneB', 'SDN.Audit')).toBe(true);
    expect(hasPrivilege(state(), bob, '/sdn/zones/zoneB/v1', 'SDN.Audit')).toBe(false);
  });
  it('lets a deeper entry replace inherited roles (NoAccess below an admin grant)', () => {
    const s = state();
    s.acl.push({ path: '/sdn/zones/zoneA/secret', type: 'user', ugid: 'alice@pve', roleid: 'NoAccess', propagate: true });
    expect(hasPrivilege(s, alice, '/sdn/zones/zoneA/secret', 'SDN.Audit')).toBe(false);
    expect(hasPrivilege(s, alice, '/sdn/zones/zoneA/other', 'SDN.Audit')).toBe(true);
  });
  it('intersects a privilege-separated token with its user', () => {
    const ci: Principal = { kind: 'token', fullTokenId: 'alice@pve!ci', userid: 'alice@pve' };
    // token has Audit on all of /sdn, the user only on zoneA: intersection is Audit on zoneA only
    expect([...privileges(state(), ci, '/sdn/zones/zoneA')]).toEqual(['SDN.Audit']);
    expect(hasPrivilege(state(), ci, '/sdn/zones/zoneB', 'SDN.Audit')).toBe(false);
  });
  it('gives a token without privilege separation its user rights', () => {
    const full: Principal = { kind: 'token', fullTokenId: 'alice@pve!full', userid: 'alice@pve' };
    expect(hasPrivilege(state(), full, '/sdn/zones/zoneA', 'SDN.Allocate')).toBe(true);
  });
  it('gives root every privilege', () => {
    expect(hasPrivilege(state(), { kind: 'user', userid: ROOT_USER }, '/sdn', 'SDN.Allocate')).toBe(true);
  });
  it('finds grants below a path for list filtering', () => {
    expect(hasPrivilegeAtOrBelow(state(), alice, '/sdn/zones', 'SDN.Audit')).toBe(true);
    expect(hasPrivilegeAtOrBelow(state(), alice, '/sdn/controllers', 'SDN.Audit')).toBe(false);
  });
  it('grants a group entry to its members; the user\'s own entries on a level win, deeper group entries replace inherited ones', () => {
    const s = state();
    s.groups.ops = { groupid: 'ops' };
    s.users['bob@pve'].groups = ['ops'];
    s.acl.push({ path: '/sdn/zones/zoneC', type: 'group', ugid: 'ops', roleid: 'PVESDNAdmin', propagate: true });
    expect(hasPrivilege(s, bob, '/sdn/zones/zoneC/v1', 'SDN.Allocate')).toBe(true);
    expect(hasPrivilege(s, alice, '/sdn/zones/zoneC', 'SDN.Audit')).toBe(false);
    expect(hasPrivilegeAtOrBelow(s, bob, '/sdn/zones', 'SDN.Allocate')).toBe(true);
    // bob's own (non-propagating) entry on zoneB still decides there; a group entry on the same level does not count.
    s.acl.push({ path: '/sdn/zones/zoneB', type: 'group', ugid: 'ops', roleid: 'PVESDNAdmin', propagate: true });
    expect([...privileges(s, bob, '/sdn/zones/zoneB')].sort()).toEqual(['SDN.Audit', 'SDN.Use']);
    // Below it, bob's entry does not propagate: the group's does.
    expect(hasPrivilege(s, bob, '/sdn/zones/zoneB/v1', 'SDN.Allocate')).toBe(true);
    // A group that no longer exists grants nothing, even if a stale membership names it.
    delete s.groups.ops;
    expect(hasPrivilege(s, bob, '/sdn/zones/zoneC', 'SDN.Audit')).toBe(false);
  });

  it('rejects unknown, disabled and expired principals', () => {
    const s = state();
    expect(principalProblem(s, { kind: 'user', userid: 'nobody@pve' }, 0)).toBe('unknown');
    expect(principalProblem(s, { kind: 'user', userid: 'old@pve' }, 2000)).toBe('expired');
    expect(principalProblem(s, { kind: 'user', userid: 'old@pve' }, 10)).toBeNull();
    s.users['bob@pve'].enable = false;
    expect(principalProblem(s, bob, 0)).toBe('disabled');
    s.tokens['alice@pve!ci'].expire = 5;
    expect(principalProblem(s, { kind: 'token', fullTokenId: 'alice@pve!ci', userid: 'alice@pve' }, 10)).toBe('expired');
    expect(principalProblem(s, { kind: 'token', fullTokenId: 'alice@pve!nope', userid: 'alice@pve' }, 10)).toBe('unknown');
  });
});

describe('ACL paths', () => {
  it('accepts object paths and rejects traversal or odd spellings', () => {
    expect(isValidAclPath('/sdn/zones/z1')).toBe(true);
    expect(isValidAclPath('/')).toBe(true);
    for (const bad of ['sdn', '/sdn/', '/sdn//zones', '/sdn/../etc', '/sdn/zo ne', '/sdn/\u0000', '/sdn/zones/.']) expect(isValidAclPath(bad)).toBe(false);
  });
  it('lists prefixes from the root down', () => {
    expect(pathPrefixes('/sdn/zones/z1')).toEqual(['/', '/sdn', '/sdn/zones', '/sdn/zones/z1']);
  });
});

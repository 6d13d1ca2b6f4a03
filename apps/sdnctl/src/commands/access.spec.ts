import { hasPrivilege } from '@sdn/access';
import { AccessProjection, hashSecret, openEventStoreDataSource } from '@sdn/event-store';
import { UsageError } from '../args';
import { run as acl } from './acl';
import { run as token } from './token';
import { run as user } from './user';
import { sdnctlTestDatabase } from './testing';

/** `sdnctl user` / `acl` / `token` write access events the API folds like its own. */
describe('sdnctl user / acl / token', () => {
  const ctx = sdnctlTestDatabase();
  const { out } = ctx;

  async function state() {
    const ds = await openEventStoreDataSource(ctx.url, 1);
    try {
      const p = new AccessProjection();
      await p.load(ds);
      return { s: p.state, creds: (await ds.query('SELECT id, salt, hash FROM api_tokens')) as { id: string; salt: string; hash: string }[] };
    } finally {
      await ds.destroy();
    }
  }

  it('creates a user, grants a zone, issues a privilege-separated token, lists, removes', async () => {
    expect(await user(['add', 'zoe@pve', '--comment', 'tenant A'])).toBe(0);
    expect(await acl(['set', '/sdn/zones/za', '--roles', 'PVESDNAdmin', '--users', 'zoe@pve'])).toBe(0);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await token(['create', 'zoe@pve!ci', '--privsep', '1'])).toBe(0);
    err.mockRestore();
    const secret = /PVEAPIToken=zoe@pve!ci=(\S+)$/m.exec(out.join('\n'))![1];
    expect(await acl(['set', '/sdn/zones/za', '--roles', 'PVEAuditor', '--tokens', 'zoe@pve!ci'])).toBe(0);

    let { s, creds } = await state();
    const tok = { kind: 'token' as const, fullTokenId: 'zoe@pve!ci', userid: 'zoe@pve' };
    expect(hasPrivilege(s, { kind: 'user', userid: 'zoe@pve' }, '/sdn/zones/za/v1', 'SDN.Allocate')).toBe(true);
    expect(hasPrivilege(s, tok, '/sdn/zones/za', 'SDN.Audit')).toBe(true);
    expect(hasPrivilege(s, tok, '/sdn/zones/za', 'SDN.Allocate')).toBe(false);
    const row = creds.find((c) => c.id === 'zoe@pve!ci')!;
    expect(row.hash).toBe(hashSecret(row.salt, secret));

    out.length = 0;
    expect(await acl(['list'])).toBe(0);
    expect(out).toEqual(expect.arrayContaining(['/sdn/zones/za\tuser\tzoe@pve\tPVESDNAdmin\tpropagate=1', '/sdn/zones/za\ttoken\tzoe@pve!ci\tPVEAuditor\tpropagate=1']));
    await expect(acl(['set', '/sdn/../x', '--roles', 'PVEAuditor', '--users', 'zoe@pve'])).rejects.toThrow(UsageError);
    await expect(user(['add', 'zoe@pve'])).rejects.toThrow(/already exists/);

    expect(await user(['delete', 'zoe@pve'])).toBe(0);
    ({ s, creds } = await state());
    expect(s.users['zoe@pve']).toBeUndefined();
    expect(s.tokens['zoe@pve!ci']).toBeUndefined();
    expect(s.acl).toEqual([]);
    expect(creds.find((c) => c.id === 'zoe@pve!ci')).toBeUndefined();
  });
});

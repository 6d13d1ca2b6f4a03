import { AccessProjection, hashSecret, openEventStoreDataSource } from '@sdn/event-store';
import { run as token } from './token';
import { sdnctlTestDatabase } from './testing';

/**
 * `sdnctl token bootstrap` against a real database (SDN_DATABASE_URL); the
 * API-backed user, token and ACL commands are tested in sdnctl.stack.spec.
 */
describe('sdnctl token bootstrap', () => {
  const ctx = sdnctlTestDatabase();
  const { out } = ctx;

  it('creates the user and a token (secret printed once, stored hashed), as access events', async () => {
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await token(['create', 'ops@pve!ci', '--comment', 'CI'])).toBe(0);
    expect(err).toHaveBeenCalledWith(expect.stringMatching(/created user ops@pve/));
    err.mockRestore();
    const m = /PVEAPIToken=ops@pve!ci=([0-9a-f-]{36})$/.exec(out.join('\n'));
    expect(m).not.toBeNull();
    const ds = await openEventStoreDataSource(ctx.url, 1);
    try {
      const [row] = await ds.query('SELECT salt, hash, comment FROM api_tokens WHERE id = $1', ['ops@pve!ci']);
      expect(row.hash).toBe(hashSecret(row.salt, m![1]));
      expect(row.comment).toBe('CI');
      const p = new AccessProjection();
      await p.load(ds);
      expect(p.state.users['ops@pve']).toMatchObject({ enable: true });
      expect(p.state.tokens['ops@pve!ci']).toMatchObject({ privsep: false, comment: 'CI' });
    } finally {
      await ds.destroy();
    }
    await expect(token(['create', 'ops@pve!ci'])).rejects.toThrow(/already/);
    await expect(token(['create', 'not-a-token-id'])).rejects.toThrow(/USER@REALM!TOKENID/);
  });
});

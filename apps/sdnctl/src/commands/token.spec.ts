import { hashSecret, openEventStoreDataSource } from '@sdn/event-store';
import { run as token } from './token';
import { sdnctlTestDatabase } from './testing';

/** `sdnctl token` against a real database (SDN_DATABASE_URL); `sdnctl events` reads the API (sdnctl.stack.spec). */
describe('sdnctl token', () => {
  const ctx = sdnctlTestDatabase();
  const { out } = ctx;

  it('creates a token (secret printed once, stored hashed), lists and deletes it', async () => {
    expect(await token(['create', 'ops@pve!ci', '--comment', 'CI'])).toBe(0);
    const m = /PVEAPIToken=ops@pve!ci=([0-9a-f-]{36})$/.exec(out.join('\n'));
    expect(m).not.toBeNull();
    const ds = await openEventStoreDataSource(ctx.url, 1);
    try {
      const [row] = await ds.query('SELECT salt, hash, comment FROM api_tokens WHERE id = $1', ['ops@pve!ci']);
      expect(row.hash).toBe(hashSecret(row.salt, m![1]));
      expect(row.comment).toBe('CI');
    } finally {
      await ds.destroy();
    }
    out.length = 0;
    expect(await token(['list'])).toBe(0);
    expect(out.join('\n')).toMatch(/^ops@pve!ci\t/);
    expect(await token(['delete', 'ops@pve!ci'])).toBe(0);
    jest.spyOn(console, 'error').mockImplementationOnce(() => undefined);
    expect(await token(['delete', 'ops@pve!ci'])).toBe(1);
    await expect(token(['create', 'not-a-token-id'])).rejects.toThrow(/USER@REALM!TOKENID/);
  });
});

import { hashSecret, openEventStoreDataSource, upsertToken } from '@sdn/event-store';
import { run as events } from './events';
import { run as token } from './token';
import { sdnctlTestDatabase } from './testing';

/** `sdnctl token` and `sdnctl events` against a real database (SDN_DATABASE_URL). */
describe('sdnctl token / events', () => {
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

  it('prints the event log with actors, secrets masked', async () => {
    const ds = await openEventStoreDataSource(ctx.url, 1);
    try {
      const { EventStore } = await import('@sdn/event-store');
      await new EventStore(ds).write((tx) =>
        tx.append([
          { type: 'IpamCreated', typeVersion: 1, aggregateType: 'ipam', aggregateId: 'nb', aggregateVersion: 1, payload: { id: 'nb', object: { type: 'netbox', url: 'https://x/api', token: 'hunter2' } }, actor: 'alice@pve!a', correlationId: 'c' },
        ]),
      );
      await upsertToken(ds, { id: 'x@pve!y', secret: 'zzzzzzzz' });
    } finally {
      await ds.destroy();
    }
    expect(await events(['--since', '0'])).toBe(0);
    const text = out.join('\n');
    // The token commands above are in the log too (as access events), so the ipam event is not the first.
    expect(text).toMatch(/^\d+\t\S+\talice@pve!a\tIpamCreated\tipam\/nb@1\t/m);
    expect(text).toMatch(/^\d+\t\S+\tsdnctl\tTokenCreated\ttoken\/ops@pve!ci@1\t/m);
    expect(text).not.toContain('hunter2');
  });
});

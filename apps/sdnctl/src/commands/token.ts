import { databaseUrl, deleteToken, listTokens, newSecret, openEventStoreDataSource, upsertToken } from '@sdn/event-store';
import { parseArgs, UsageError } from '../args';

export const usage = [
  'sdnctl token create USER@REALM!TOKENID [--comment TEXT]   create (or rotate) an API token; prints the Authorization header once',
  'sdnctl token list                                          list token ids',
  'sdnctl token delete USER@REALM!TOKENID                     revoke a token (effective within 5 s)',
].join('\n');

const TOKEN_ID_RE = /^[^\s@!=:]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z][A-Za-z0-9.\-_]*$/;

/** Talks to the database named by SDN_DATABASE_URL (the API's). */
export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const [sub, id] = p.positional;
  if (!sub || !['create', 'list', 'delete'].includes(sub)) throw new UsageError(`usage:\n${usage}`);
  if (sub !== 'list' && (!id || !TOKEN_ID_RE.test(id))) throw new UsageError('token id must look like USER@REALM!TOKENID');
  const ds = await openEventStoreDataSource(databaseUrl(), 1);
  try {
    if (sub === 'create') {
      const secret = newSecret();
      await upsertToken(ds, { id: id!, secret }, typeof p.flags.comment === 'string' ? p.flags.comment : '');
      // The secret is shown once; only its salted hash is stored.
      console.log(`token:  ${id}=${secret}`);
      console.log(`header: Authorization: PVEAPIToken=${id}=${secret}`);
      return 0;
    }
    if (sub === 'list') {
      for (const t of await listTokens(ds)) console.log(`${t.id}\t${new Date(t.created_at).toISOString()}\t${t.comment}`);
      return 0;
    }
    if (!(await deleteToken(ds, id!))) {
      console.error(`sdnctl: no such token ${id}`);
      return 1;
    }
    console.log(`deleted ${id}`);
    return 0;
  } finally {
    await ds.destroy();
  }
}

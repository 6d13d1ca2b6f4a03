import { createToken, createUser, deleteToken, userExists } from '@sdn/access';
import { newSecret } from '@sdn/event-store';
import { parseArgs, UsageError } from '../args';
import { boolFlag, intFlag, textFlag, withAccess } from './access-store';

export const usage = [
  'sdnctl token create USER@REALM!TOKENID [--comment TEXT] [--privsep 0|1] [--expire UNIXTIME]',
  '                                                           create an API token (and its user if new); prints the secret once',
  'sdnctl token list                                          list tokens',
  'sdnctl token delete USER@REALM!TOKENID                     revoke a token (effective within 5 s)',
].join('\n');

const TOKEN_ID_RE = /^[^\s@!=:]+@[A-Za-z][A-Za-z0-9.\-_]*![A-Za-z][A-Za-z0-9.\-_]*$/;

/**
 * Talks to the database named by SDN_DATABASE_URL (the API's). Tokens are
 * access events like those made through /access: audited, and rebuilt with
 * the projections; only the salted hash of the secret is stored.
 */
export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const [sub, id] = p.positional;
  if (!sub || !['create', 'list', 'delete'].includes(sub)) throw new UsageError(`usage:\n${usage}`);
  if (sub !== 'list' && (!id || !TOKEN_ID_RE.test(id))) throw new UsageError('token id must look like USER@REALM!TOKENID');
  const [userid, tokenid] = (id ?? '').split('!');
  return withAccess(async (a) => {
    if (sub === 'create') {
      const secret = newSecret();
      // Privilege separation is off unless asked for: an operator's token usually acts as its user.
      const input = { comment: textFlag(p.flags.comment), privsep: boolFlag(p.flags.privsep, 'privsep') ?? false, expire: intFlag(p.flags.expire, 'expire') };
      const newUser = !userExists(a.state(), userid);
      await a.write((s) => {
        const events = newUser ? createUser(s, userid, {}) : [];
        const base = newUser ? { ...s, users: { ...s.users, [userid]: { userid, enable: true, expire: 0 } } } : s;
        const r = createToken(base, userid, tokenid, input);
        return { events: [...events, ...r.events], result: null, credentials: [{ op: 'set', id: id!, secret, comment: input.comment ?? '' }] };
      });
      console.log(`token:  ${id}=${secret}`);
      console.log(`header: Authorization: PVEAPIToken=${id}=${secret}`);
      if (newUser) console.error(`note: created user ${userid}; it has no rights until granted (sdnctl acl set)`);
      return 0;
    }
    if (sub === 'list') {
      for (const t of Object.values(a.state().tokens).sort((x, y) => (x.fullTokenId < y.fullTokenId ? -1 : 1))) {
        console.log(`${t.fullTokenId}\tprivsep=${t.privsep ? 1 : 0}\texpire=${t.expire}\t${t.comment ?? ''}`);
      }
      return 0;
    }
    if (!a.state().tokens[id!]) {
      console.error(`sdnctl: no such token ${id}`);
      return 1;
    }
    await a.write((s) => ({ events: deleteToken(s, userid, tokenid), result: null, credentials: [{ op: 'delete', id: id! }] }));
    console.log(`deleted ${id}`);
    return 0;
  });
}

import { createToken, createUser, userExists } from '@sdn/access';
import { newSecret } from '@sdn/event-store';
import { parseArgs, UsageError } from '../args';
import { splitTokenId } from '../remote/access';
import { boolFlag, intFlag, textFlag, withAccess } from './access-store';

/**
 * `sdnctl token bootstrap USER@REALM!TOKENID`: the one access command that
 * writes the database named by SDN_DATABASE_URL (the API's) directly, for
 * the first token of a cluster, before any token exists to call the API
 * with. The token is an access event like one made through /access:
 * audited, rebuilt with the projections; only the salted hash of the secret
 * is stored. Every other user, token and ACL command goes through the API.
 */
export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const [sub, id] = p.positional;
  if (sub !== 'create' || !id) throw new UsageError('usage: sdnctl token bootstrap USER@REALM!TOKENID [--comment TEXT] [--privsep 0|1] [--expire UNIXTIME]');
  const { userid, tokenid } = splitTokenId(id);
  return withAccess(async (a) => {
    const secret = newSecret();
    // Privilege separation is off unless asked for: a bootstrap token acts as its user (usually root@pam).
    const input = { comment: textFlag(p.flags.comment), privsep: boolFlag(p.flags.privsep, 'privsep') ?? false, expire: intFlag(p.flags.expire, 'expire') };
    const newUser = !userExists(a.state(), userid);
    await a.write((s) => {
      const events = newUser ? createUser(s, userid, {}) : [];
      const base = newUser ? { ...s, users: { ...s.users, [userid]: { userid, enable: true, expire: 0 } } } : s;
      const r = createToken(base, userid, tokenid, input);
      return { events: [...events, ...r.events], result: null, credentials: [{ op: 'set', id, secret, comment: input.comment ?? '' }] };
    });
    console.log(`token:  ${id}=${secret}`);
    console.log(`header: Authorization: PVEAPIToken=${id}=${secret}`);
    if (newUser) console.error(`note: created user ${userid}; it has no rights until granted (sdnctl acl set)`);
    return 0;
  });
}

import { readFileSync } from 'node:fs';
import { checkPassword, createUser, deleteUser, setPassword, updateUser } from '@sdn/access';
import { hashPassword } from '@sdn/event-store';
import { parseArgs, UsageError } from '../args';
import { boolFlag, intFlag, textFlag, withAccess } from './access-store';

export const usage = [
  'sdnctl user add USER@REALM [--comment T] [--email E] [--expire UNIXTIME] [--enable 0|1]   create a user',
  'sdnctl user set USER@REALM [--comment T] [--email E] [--expire UNIXTIME] [--enable 0|1]   change a user',
  'sdnctl user list                                           list users',
  'sdnctl user delete USER@REALM                              delete a user with its tokens and ACL entries',
  'sdnctl user passwd USER@REALM [--password-file F]          set the password (@pve users, root@pam): read from F or stdin, never from the command line',
].join('\n');

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const [sub, userid] = p.positional;
  if (!sub || !['add', 'set', 'list', 'delete', 'passwd'].includes(sub)) throw new UsageError(`usage:\n${usage}`);
  if (sub !== 'list' && !userid) throw new UsageError('missing USER@REALM');
  const input = () => {
    const out: Record<string, unknown> = { comment: textFlag(p.flags.comment), email: textFlag(p.flags.email), expire: intFlag(p.flags.expire, 'expire'), enable: boolFlag(p.flags.enable, 'enable') };
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
  };
  return withAccess(async (a) => {
    if (sub === 'list') {
      for (const u of Object.values(a.state().users).sort((x, y) => (x.userid < y.userid ? -1 : 1))) {
        console.log(`${u.userid}\tenable=${u.enable ? 1 : 0}\texpire=${u.expire}\t${u.comment ?? ''}`);
      }
      return 0;
    }
    if (sub === 'passwd') {
      const file = typeof p.flags['password-file'] === 'string' ? p.flags['password-file'] : 0;
      // First line only: `echo secret | sdnctl user passwd …` must not set "secret\n".
      const password = readFileSync(file, 'utf8').split(/\r?\n/)[0];
      try {
        checkPassword(password);
      } catch (e) {
        throw new UsageError(`password: ${(e as Error).message}`, 1);
      }
      const hash = await hashPassword(password);
      await a.write((s) => ({ events: setPassword(s, userid, password), result: null, credentials: [{ op: 'password', userid, hash }] }));
      console.log(`password set for ${userid}`);
      return 0;
    }
    if (sub === 'add') await a.write((s) => ({ events: createUser(s, userid, input()), result: null }));
    else if (sub === 'set') await a.write((s) => ({ events: updateUser(s, userid, input()), result: null }));
    else {
      const ids = Object.values(a.state().tokens).filter((t) => t.userid === userid).map((t) => t.fullTokenId);
      await a.write((s) => ({ events: deleteUser(s, userid), result: null, credentials: [...ids.map((id) => ({ op: 'delete' as const, id })), { op: 'delete-password' as const, userid }] }));
    }
    console.log(`${sub === 'add' ? 'created' : sub === 'set' ? 'updated' : 'deleted'} ${userid}`);
    return 0;
  });
}

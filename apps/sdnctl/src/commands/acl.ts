import { changeAcl } from '@sdn/access';
import { parseArgs, UsageError } from '../args';
import { boolFlag, withAccess } from './access-store';

export const usage = [
  'sdnctl acl set PATH --roles R[,R] [--users U[,U]] [--tokens T[,T]] [--propagate 0|1]   grant roles on an ACL path',
  'sdnctl acl delete PATH --roles R[,R] [--users U[,U]] [--tokens T[,T]]                 remove those entries',
  'sdnctl acl list                                            list ACL entries',
  'sdnctl acl roles                                           list roles and their privileges',
].join('\n');

const list = (v: string | true | undefined) => (typeof v === 'string' ? v.split(/[,;\s]+/).filter(Boolean) : []);

export async function run(args: string[]): Promise<number> {
  const p = parseArgs(args);
  const [sub, path] = p.positional;
  if (!sub || !['set', 'delete', 'list', 'roles'].includes(sub)) throw new UsageError(`usage:\n${usage}`);
  return withAccess(async (a) => {
    if (sub === 'list') {
      for (const e of a.state().acl) console.log(`${e.path}\t${e.type}\t${e.ugid}\t${e.roleid}\tpropagate=${e.propagate ? 1 : 0}`);
      return 0;
    }
    if (sub === 'roles') {
      for (const r of Object.values(a.state().roles)) console.log(`${r.roleid}\t${r.privs.join(',')}`);
      return 0;
    }
    if (!path) throw new UsageError('missing ACL PATH (e.g. /sdn/zones/zone1)');
    const input = { path, roles: list(p.flags.roles), users: list(p.flags.users), tokens: list(p.flags.tokens), propagate: boolFlag(p.flags.propagate, 'propagate') ?? true, delete: sub === 'delete' };
    await a.write((s) => ({ events: changeAcl(s, input), result: null }));
    console.log(`${sub === 'set' ? 'granted' : 'removed'} ${input.roles.join(',')} on ${path}`);
    return 0;
  });
}

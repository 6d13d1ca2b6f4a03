import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeBundleScopeV1 } from '@sdn/contracts';
import { guestPortCommands, type GuestPortRequest } from '@sdn/render';
import { run } from '../apply/run';

/** The scope of the last bundle applied on the node (written by the agent after each apply). */
export function guestScopePath(stateDir: string): string {
  return join(stateDir, 'scope.json');
}

/**
 * Plugs a guest port into a vnet with the options of the running config
 * (spec §7.7). Reads the node's last applied scope, so it works while the
 * agent is down; each command's failure stops and is reported.
 */
export async function plugGuestPort(stateDir: string, req: GuestPortRequest): Promise<void> {
  let scope: NodeBundleScopeV1;
  try {
    scope = JSON.parse(await readFile(guestScopePath(stateDir), 'utf8')) as NodeBundleScopeV1;
  } catch (e) {
    throw new Error(`no SDN configuration applied on this node yet (${(e as Error).message})`);
  }
  for (const cmd of guestPortCommands(scope, req)) {
    const r = await run(cmd, 10_000);
    if (r.code !== 0) throw new Error(`${cmd.join(' ')} failed (rc ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
}

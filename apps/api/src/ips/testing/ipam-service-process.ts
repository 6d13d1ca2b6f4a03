import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { connect } from 'nats';
import { IPAM_PATTERNS } from '@sdn/contracts';
import { ipamRpcSubject } from '@sdn/ipam';

const ROOT = path.resolve(__dirname, '../../../../..');

export interface IpamServiceProcess {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs apps/ipam-service as its own process (as in production) on a bus namespace and a
 * PostgreSQL database, and resolves once it answers request/reply.
 */
export async function startIpamServiceProcess(o: { pgUrl: string; namespace: string; natsUrl?: string; poolSize?: number; env?: NodeJS.ProcessEnv }): Promise<IpamServiceProcess> {
  const natsUrl = o.natsUrl ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const child = spawn(process.execPath, ['-r', './tools/register.js', 'apps/ipam-service/src/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...o.env, IPAM_PG_URL: o.pgUrl, NATS_URL: natsUrl, SDN_BUS_NAMESPACE: o.namespace, IPAM_POOL_SIZE: String(o.poolSize ?? 10) },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const nc = await connect({ servers: natsUrl });
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`ipam-service exited with ${child.exitCode}`);
      const ok = await nc.request(ipamRpcSubject(o.namespace, IPAM_PATTERNS.status), new TextEncoder().encode('{}'), { timeout: 500 }).then(() => true, () => false);
      if (ok) break;
      if (i > 120) throw new Error('ipam-service did not start within 60 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  } finally {
    await nc.close();
  }
  return {
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

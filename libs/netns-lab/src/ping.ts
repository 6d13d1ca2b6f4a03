import { exec } from './exec';

export interface PingResult {
  ok: boolean;
  /** ping's own output, for the test log. */
  output: string;
}

/** `ping` from inside namespace `ns`; ok when ping exits 0 (every reply received or at least one, per iputils). */
export async function ping(ns: string, target: string, opts: { count?: number; size?: number; dontFragment?: boolean; waitS?: number } = {}): Promise<PingResult> {
  const args = ['netns', 'exec', ns, 'ping', '-n', '-c', String(opts.count ?? 3), '-W', String(opts.waitS ?? 1), '-i', '0.2'];
  if (opts.size !== undefined) args.push('-s', String(opts.size));
  if (opts.dontFragment) args.push('-M', 'do');
  args.push(target);
  const r = await exec('ip', args, { timeoutMs: 30000 });
  return { ok: r.code === 0, output: (r.stdout + r.stderr).trim() };
}

/** Retries a ping until it succeeds or `timeoutMs` passes (the data plane converges asynchronously). */
export async function pingUntil(ns: string, target: string, timeoutMs: number): Promise<PingResult> {
  const deadline = Date.now() + timeoutMs;
  let last: PingResult = { ok: false, output: '' };
  while (Date.now() < deadline) {
    last = await ping(ns, target, { count: 1, waitS: 1 });
    if (last.ok) return ping(ns, target, { count: 3 });
    await new Promise((r) => setTimeout(r, 200));
  }
  return last;
}

import { ApiClient } from '../client/api-client';
import { type ConnectionFlags, resolveConnection } from '../client/settings';
import type { OutputFormat } from '../output/format';

/** Options every API command gets (connection flags are global, the format per command). */
export interface ApiOptions extends ConnectionFlags {
  outputFormat: OutputFormat;
}

/** Runs `fn` with a client for the resolved API, closing its sockets afterwards. */
export async function withClient<T>(o: ConnectionFlags, fn: (c: ApiClient) => Promise<T>): Promise<T> {
  const client = new ApiClient(resolveConnection(o));
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/**
 * `--key value` / `--key=value` pairs after a path (pvesh style) → API
 * parameters; a repeated key becomes a list (e.g. `--dhcp-range a --dhcp-range b`),
 * a key with no value is `1`.
 */
export function apiParams(tokens: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const add = (k: string, v: string) => {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.startsWith('--') || t === '--') throw new ParamError(`unexpected argument '${t}': API parameters are given as --name value`);
    const eq = t.indexOf('=');
    if (eq > 2) add(t.slice(2, eq), t.slice(eq + 1));
    else if (i + 1 < tokens.length && !tokens[i + 1].startsWith('--')) add(t.slice(2), tokens[++i]);
    else add(t.slice(2), '1');
  }
  return out;
}

export class ParamError extends Error {}

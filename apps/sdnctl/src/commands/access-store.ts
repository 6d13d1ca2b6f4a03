import { sdnctlConfig } from '@sdn/config';
import { AccessCommandError, type AccessState } from '@sdn/access';
import { type AccessDecision, AccessProjection, EventStore, openEventStoreDataSource } from '@sdn/event-store';
import { UsageError } from '../args';

/** Who the event log names for changes made with sdnctl (it has the database, so it acts as the operator). */
export const SDNCTL_ACTOR = 'sdnctl';

/**
 * Runs `fn` with the access state of the database named by SDN_DATABASE_URL;
 * `write` appends through the same serialised writer the API uses.
 */
export async function withAccess<T>(fn: (a: { state: () => AccessState; write: <R>(decide: (s: AccessState) => AccessDecision<R>) => Promise<R> }) => Promise<T>): Promise<T> {
  const ds = await openEventStoreDataSource(sdnctlConfig().databaseUrl, 1);
  try {
    const projection = new AccessProjection();
    await projection.load(ds);
    const store = new EventStore(ds);
    return await fn({
      state: () => projection.state,
      write: async (decide) => {
        try {
          return await projection.write(store, SDNCTL_ACTOR, decide);
        } catch (e) {
          // Refusals are the operator's input problem: one line, exit code 1.
          if (e instanceof AccessCommandError) throw new UsageError(`${e.field ? `${e.field}: ` : ''}${e.message}`, 1);
          throw e;
        }
      },
    });
  } finally {
    await ds.destroy();
  }
}

export function boolFlag(v: string | true | undefined, name: string): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === true || v === '1' || v === 'true') return true;
  if (v === '0' || v === 'false') return false;
  throw new UsageError(`--${name} takes 0 or 1`);
}

export function intFlag(v: string | true | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`--${name} takes a non-negative integer`);
  return Number(v);
}

export function textFlag(v: string | true | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

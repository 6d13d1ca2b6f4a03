import { createHash } from 'node:crypto';
import type { SdnState } from '@sdn/event-store';
import { ApiError } from './api-error';

export function hashLockToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** §4.4: while a global lock is held, every config write must present its token. */
export function checkLockToken(state: SdnState, token: string | undefined): void {
  if (state.lock && (!token || hashLockToken(token) !== state.lock.tokenHash)) {
    throw ApiError.param('lock-token', 'invalid lock token provided!');
  }
}

import { apiConfig, type ApiSettings, type Env } from '@sdn/config';
import type { AuthRateLimitOptions } from '../auth/rate-limit';

/**
 * The API's settings, read and validated by @sdn/config (see the README's
 * settings table); tests override single fields.
 */
export interface ApiConfig extends Omit<ApiSettings, 'authRateLimit'> {
  /** Backoff on authentication failures (defaults, then `SDN_AUTH_FAIL_*`; a test may set a few). */
  authRateLimit: Partial<AuthRateLimitOptions>;
}

/** Bounds of dry-run computations (see apps/api/README.md, "Dry run"): `SDN_DRY_RUN_MAX_BYTES`, `SDN_DRY_RUN_CONCURRENCY`, `SDN_DRY_RUN_QUEUE`. */
export type DryRunLimits = ApiSettings['dryRun'];

export const API_CONFIG = Symbol('API_CONFIG');

export function loadConfig(env?: Env): ApiConfig {
  return apiConfig(env);
}

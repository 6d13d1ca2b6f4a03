import type { ValidationErrors } from '../model';
import { normaliseConfig, type SdnConfig } from '../schema/normalise';
import { RuleContext, type ValidationOptions } from './context';
import { checkControllers, checkIpams } from './controller-rules';
import { checkSubnets } from './subnet-rules';
import { checkVnets } from './vnet-rules';
import { checkZones } from './zone-rules';
import { fabricErrors } from '../fabrics/validate';

/** Cross-object rules over an already normalised configuration; adds to `errors`. */
export function checkConfigRules(config: SdnConfig, errors: ValidationErrors, options: ValidationOptions = {}): ValidationErrors {
  const ctx = new RuleContext(config, errors, options);
  checkZones(ctx);
  checkVnets(ctx);
  checkSubnets(ctx);
  checkControllers(ctx);
  checkIpams(ctx);
  if (ctx.fabrics) for (const [path, message] of Object.entries(fabricErrors(ctx.fabrics))) ctx.error(path, message);
  return errors;
}

/**
 * Every problem of a running or pending configuration, by path
 * (`zones.myzone.tag`, `subnets.z-10.0.0.0-24.gateway`, `config` for the
 * root). Empty when the configuration is valid. Never throws: the input is
 * whatever a file or a client sent.
 */
export function validateConfig(config: unknown, options: ValidationOptions = {}): ValidationErrors {
  try {
    const { config: normalised, errors } = normaliseConfig(config);
    return checkConfigRules(normalised, errors, options);
  } catch (e) {
    // Only reachable through a bug in a rule; reporting it beats crashing the caller.
    return { config: `internal validation error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

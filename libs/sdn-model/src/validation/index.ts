export { validateConfig, checkConfigRules } from './validate-config';
export { ConfigIndex } from './config-index';
export { VALIDATION_RULES, type ValidationRule } from './rules';
export type { ValidationOptions } from './context';
export { gatewayProblem } from './subnet-rules';

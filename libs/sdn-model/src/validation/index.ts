export { validateConfig, checkConfigRules } from './validate-config';
export { VALIDATION_RULES, type ValidationRule } from './rules';

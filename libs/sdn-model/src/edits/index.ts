export * from './result';
export { API_ONLY_PARAMS } from './common';
export * from './create';
export * from './update';
export * from './delete';

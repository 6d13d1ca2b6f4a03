export * from './secret-box';
export * from './object-secrets';

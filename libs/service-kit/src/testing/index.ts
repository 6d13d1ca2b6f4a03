export * from './log-secrets';

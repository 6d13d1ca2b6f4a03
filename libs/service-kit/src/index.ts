export * from './logging';
export * from './health-server';
export * from './readiness';
export * from './shutdown';

export * from './registry';
export * from './sdn-metrics';
export * from './jetstream-consumers';
export * from './testing/promtool';

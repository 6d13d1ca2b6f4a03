export * from './exec';
export * from './lab';
export * from './ping';
export * from './nats-server';
export * from './control-plane';
export * from './seed-examples';
export * from './pdns-server';

// The Nest half of the service kit, apart from index.ts so the node agent (no Nest) does not load it.
export * from './bus-nats-server';
export * from './rpc-replies';
export * from './nest-logger';
export * from './worker-app';
export * from './tokens';
export * from './durable-consumers';

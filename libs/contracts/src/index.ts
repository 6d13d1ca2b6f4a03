export * from './subjects';
export * from './schema';
export * from './messages';
export * from './node-status';
export * from './node-query';
export * from './contracts';
export * from './bundle-hash';
export * from './bundle-codec';

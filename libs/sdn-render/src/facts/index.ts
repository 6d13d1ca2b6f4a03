export * from './node-facts';
export * from './interfaces-file';
export * from './route-lookup';
export * from './own-ip';
export * from './synthetic';

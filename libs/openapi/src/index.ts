export * from './types';
export * from './spec';
export * from './property-schema';
export * from './sdn-objects';
export * from './routes';
export * from './document';
export * from './parameters';

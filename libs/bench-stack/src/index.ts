export * from './stack';
export * from './http-client';

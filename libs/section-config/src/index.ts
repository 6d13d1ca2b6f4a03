export * from './format/parse';
export * from './format/write';
export * from './sdn/sdn-directory';

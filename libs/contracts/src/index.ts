export * from './subjects';
export * from './schema';
export * from './messages';

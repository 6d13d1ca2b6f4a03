export * from './model';
export * from './values';

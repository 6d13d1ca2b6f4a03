export * from './model';
export * from './values';
export * from './synthetic';

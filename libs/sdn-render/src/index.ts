export * from './facts';
export * from './render';
export * from './conformance/case';
export * from './conformance/run';

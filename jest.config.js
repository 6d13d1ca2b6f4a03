// One jest run over every project: tests live beside the code they test.
const { pathsToModuleNameMapper } = require('./tools/paths');
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/deploy'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', require('./tools/swc-options')],
    // ESM-only dependencies (Node 20 requires them natively; jest's CommonJS runtime cannot).
    '^.+\\.js$': ['@swc/jest', { ...require('./tools/swc-options'), jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' } }],
  },
  transformIgnorePatterns: ['^(?!.*/node_modules/(content-disposition|@apidevtools/json-schema-ref-parser)/).*/node_modules/'],
  moduleNameMapper: pathsToModuleNameMapper(),
  testTimeout: 60000,
  setupFiles: ['<rootDir>/tools/jest-env.js'],
  globalSetup: '<rootDir>/tools/jest-global-setup.js',
  globalTeardown: '<rootDir>/tools/jest-global-teardown.js',
};

// One jest run over every project: tests live beside the code they test.
const { pathsToModuleNameMapper } = require('./tools/paths');
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', require('./tools/swc-options')] },
  moduleNameMapper: pathsToModuleNameMapper(),
  testTimeout: 60000,
};

// Module boundaries by Nx tags: the domain (model, validation, renderers,
// plugin logic) stays free of frameworks and transports, so it can be read,
// tested and reused without a running service.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const reactHooks = require('eslint-plugin-react-hooks');

const FRAMEWORKS = ['@nestjs/*', 'typeorm', 'pg', 'nats'];

module.exports = [
  { ignores: ['**/node_modules/**', 'dist/**', '.data/**', '.nx/**', 'coverage/**', '**/*.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          // sdnctl loads commands lazily; the libraries they use may be imported statically too.
          checkDynamicDependenciesExceptions: ['event-store', 'sdn-model', 'access'],
          depConstraints: [
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contract'], bannedExternalImports: FRAMEWORKS },
            { sourceTag: 'type:contract', onlyDependOnLibsWithTags: ['type:contract'], bannedExternalImports: FRAMEWORKS },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter'] },
            { sourceTag: 'type:test-infra', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:test-infra'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contract', 'type:adapter', 'type:test-infra'] },
          ],
        },
      ],
    },
  },
  // The web panel (apps/web): TSX, React's rules of hooks.
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
];

// Lint: typescript-eslint's recommended rules plus the project's walls that a linter can see in one file.
// Import cycles and module boundaries are held by dependency-cruiser (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** A string that reads like a Cypher statement: a clause keyword followed later by another clause keyword. */
const CYPHER =
  '/\\b(MATCH|MERGE|UNWIND|CALL|DETACH DELETE)\\b[\\s\\S]*\\b(RETURN|SET|DELETE|WITH|CREATE|MERGE|REMOVE)\\b/';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', '.neo4j/', 'neo4j/target/', 'src/generated/', 'web/dist/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    files: ['src/**/*.ts', 'seed/**/*.ts'],
    ignores: ['src/shared/db/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'neo4j-driver', message: 'Only src/shared/db talks to the driver.' }] },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'seed/**/*.ts'],
    ignores: ['src/**/*.repository.ts', 'src/shared/db/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        { selector: `Literal[value=${CYPHER}]`, message: 'Cypher lives in a repository module (*.repository.ts).' },
        {
          selector: `TemplateElement[value.raw=${CYPHER}]`,
          message: 'Cypher lives in a repository module (*.repository.ts).',
        },
      ],
    },
  },
  {
    // Tests read GraphQL answers as untyped JSON.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Tool entry points that their tools load by default export.
    files: ['eslint.config.mjs', 'codegen.ts', 'test/helpers/global-setup.ts', 'test/helpers/global-teardown.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/build/**', 'eslint.config.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', require: 'readonly', __dirname: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain CommonJS build and test scripts run by node directly.
    files: ['scripts/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The page's script runs in browsers as a classic script (web/app.js).
    files: ['web/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        XMLHttpRequest: 'readonly',
        FormData: 'readonly',
        Blob: 'readonly',
        URL: 'readonly',
        Intl: 'readonly',
        TextDecoderStream: 'readonly',
        setTimeout: 'readonly',
      },
    },
  },
  {
    // Type-aware rules: an unhandled promise loses its error; a switch over a union must cover it.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          // node:test collects these itself and reports their failures.
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
    },
  },
  {
    // The app composes the libraries through their public faces (libs/NAME/index.ts) and never
    // reaches the native addon, ONNX Runtime or worker threads itself: those belong to libs/.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'onnxruntime-node', message: 'ONNX Runtime belongs to libs/diarization.' },
            { name: 'piscina', message: 'Worker threads belong to the libraries.' },
          ],
          patterns: [
            {
              group: ['**/libs/*/*'],
              message: "Import the library's public face: libs/NAME (its index.ts).",
            },
            { group: ['**/native/**', '*.node'], message: 'The addon is reached through libs/speech only.' },
          ],
        },
      ],
    },
  },
  {
    // The framework-free libraries must not reach into the app's frameworks.
    files: ['libs/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@nestjs/*', 'express', 'bull', 'ioredis', '../../src/*'] },
      ],
    },
  },
);

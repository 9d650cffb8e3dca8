// @ts-check
/**
 * Browser bundles of the examples that use npm packages: the npm host app and the React page.
 * `npm run build -w examples`, after the SDK and the widget are built (`npm run build`).
 */
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';

const at = (/** @type {string} */ path) => new URL(path, import.meta.url).pathname;

/** @param {string} input @param {string} file @returns {import('rollup').RollupOptions} */
function bundle(input, file) {
  return {
    input: at(input),
    plugins: [
      typescript({
        tsconfig: at('tsconfig.bundle.json'),
        noEmit: false,
        module: 'esnext',
        moduleResolution: 'bundler',
        noEmitOnError: true,
      }),
      replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': '"production"' } }),
      nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
      commonjs(),
      terser(),
    ],
    output: { file: at(file), format: 'es' },
    onwarn(warning, warn) {
      // Lit's and React's builds carry harmless `this` at the top level and eval-free code paths.
      if (warning.code === 'THIS_IS_UNDEFINED') return;
      warn(warning);
    },
  };
}

export default [
  bundle('npm-host-app/src/main.ts', 'npm-host-app/dist/app.js'),
  bundle('react/src/main.tsx', 'react/dist/app.js'),
];

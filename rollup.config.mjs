// @ts-check
/**
 * Builds of every publishable package, as one exported array made of small per-package functions.
 * `rollup -c --environment BUILD:sdk` builds one package only; without BUILD, all of them.
 */
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import terser from '@rollup/plugin-terser';
import typescript from '@rollup/plugin-typescript';
import { liteSocket } from './sdk/build/lite-socket-plugin.mjs';
import { minifyTemplates } from './widget/build/minify-templates.mjs';

/** Treats a package and its subpaths as external. */
export function externals(/** @type {string[]} */ packages) {
  return (/** @type {string} */ id) => packages.some((p) => id === p || id.startsWith(`${p}/`));
}

/** TypeScript for bundling only: declarations come from `tsc --emitDeclarationOnly`. */
export function typescriptPlugin(/** @type {string} */ tsconfig) {
  return typescript({
    tsconfig,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    noEmit: false,
    removeComments: true,
    module: 'esnext',
    moduleResolution: 'bundler',
    outDir: undefined,
    rootDir: undefined,
  });
}

/** Resolution for browser bundles: the browser builds of dependencies, no Node built-ins. */
export function browserPlugins() {
  return [
    replace({ preventAssignment: true, values: { 'process.env.NODE_ENV': '"production"' } }),
    nodeResolve({ browser: true, exportConditions: ['browser', 'import', 'default'] }),
  ];
}

/** @returns {import('rollup').RollupOptions[]} */
export function sdkBuilds() {
  const input = 'sdk/src/index.ts';
  const tsconfig = 'sdk/tsconfig.build.json';
  return [
    {
      input,
      external: externals(['socket.io-client']),
      plugins: [typescriptPlugin(tsconfig)],
      output: [
        { file: 'sdk/dist/index.js', format: 'es' },
        { file: 'sdk/dist/index.cjs', format: 'cjs', exports: 'named' },
      ],
    },
    {
      // `@parley/sdk/lite`: Socket.IO over the platform's WebSocket, without socket.io-client.
      input: 'sdk/src/lite.ts',
      plugins: [liteSocket(), typescriptPlugin(tsconfig)],
      output: [
        { file: 'sdk/dist/lite.js', format: 'es' },
        { file: 'sdk/dist/lite.cjs', format: 'cjs', exports: 'named' },
      ],
    },
    {
      // The wire types and constants alone, for backends (`@parley/sdk/protocol`).
      input: 'sdk/src/protocol.ts',
      plugins: [typescriptPlugin(tsconfig)],
      output: [
        { file: 'sdk/dist/protocol.js', format: 'es' },
        { file: 'sdk/dist/protocol.cjs', format: 'cjs', exports: 'named' },
      ],
    },
    {
      input,
      plugins: [typescriptPlugin(tsconfig), ...browserPlugins(), terser()],
      output: { file: 'sdk/dist/parley-sdk.iife.js', format: 'iife', name: 'Parley' },
    },
  ];
}

/** Resolves `@parley/sdk` to its sources, for bundles that carry the SDK inside. */
export function sdkFromSource() {
  const entry = new URL('./sdk/src/index.ts', import.meta.url).pathname;
  return {
    name: 'parley-sdk-source',
    resolveId: (/** @type {string} */ id) => (id === '@parley/sdk' ? entry : null),
  };
}

/**
 * The script-tag widget: the SDK from source with the lite socket (WebSocket only) in place of
 * socket.io-client, Lit templates and code minified.
 */
export function widgetBundlePlugins() {
  return [
    sdkFromSource(),
    liteSocket(),
    typescriptPlugin('widget/tsconfig.bundle.json'),
    minifyTemplates(),
    ...browserPlugins(),
    terser({ ecma: 2020, module: true, compress: { passes: 2 } }),
  ];
}

/**
 * The widget: an ESM build for npm (lit and the SDK external) and the script-tag file with
 * everything inside. Declarations come from `tsc -p widget/tsconfig.build.json`.
 * @returns {import('rollup').RollupOptions[]}
 */
export function widgetBuilds() {
  const input = 'widget/src/index.ts';
  return [
    {
      input,
      external: externals(['lit', '@lit', '@parley/sdk']),
      plugins: [typescriptPlugin('widget/tsconfig.build.json'), minifyTemplates()],
      output: { file: 'widget/dist/index.js', format: 'es' },
    },
    {
      input,
      plugins: widgetBundlePlugins(),
      // IIFE: works from a classic <script> and from type="module" alike.
      output: { file: 'widget/dist/chat-widget.js', format: 'iife', name: 'ParleyWidget' },
    },
  ];
}

/** Package name to its builds; the widget adds its own entry here. */
const packages = { sdk: sdkBuilds, widget: widgetBuilds };

const selected = process.env.BUILD;
export default Object.entries(packages)
  .filter(([name]) => !selected || selected.split(',').includes(name))
  .flatMap(([, builds]) => builds());

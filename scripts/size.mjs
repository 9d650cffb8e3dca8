// Prints the min+gzip size of each published bundle. Bundles are built in memory from source,
// so this needs no prior `npm run build`. Add a package's targets to `targets` below.
import { gzipSync } from 'node:zlib';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';
import { liteSocket } from '../sdk/build/lite-socket-plugin.mjs';
import {
  browserPlugins,
  externals,
  typescriptPlugin,
  widgetBundlePlugins,
} from '../rollup.config.mjs';

/**
 * @typedef {{ label: string, input: string, tsconfig: string, external?: string[], plugins?: () => import('rollup').Plugin[] }} SizeTarget
 * @type {SizeTarget[]}
 */
const targets = [
  {
    label: '@parley/sdk (socket.io-client external)',
    input: 'sdk/src/index.ts',
    tsconfig: 'sdk/tsconfig.build.json',
    external: ['socket.io-client'],
  },
  {
    label: '@parley/sdk + socket.io-client',
    input: 'sdk/src/index.ts',
    tsconfig: 'sdk/tsconfig.build.json',
  },
  {
    label: '@parley/sdk/lite (WebSocket only, all in)',
    input: 'sdk/src/lite.ts',
    tsconfig: 'sdk/tsconfig.build.json',
    plugins: () => [
      liteSocket(),
      typescriptPlugin('sdk/tsconfig.build.json'),
      ...browserPlugins(),
      terser(),
    ],
  },
  {
    label: '@parley/widget (lit, sdk external)',
    input: 'widget/src/index.ts',
    tsconfig: 'widget/tsconfig.bundle.json',
    external: ['lit', '@lit', '@parley/sdk'],
    plugins: widgetBundlePlugins,
  },
  {
    label: 'widget/dist/chat-widget.js (script tag, all in)',
    input: 'widget/src/index.ts',
    tsconfig: 'widget/tsconfig.bundle.json',
    plugins: widgetBundlePlugins,
  },
];

/** @param {SizeTarget} target */
async function measure(target) {
  const bundle = await rollup({
    input: target.input,
    external: externals(target.external ?? []),
    plugins: target.plugins?.() ?? [
      typescriptPlugin(target.tsconfig),
      ...browserPlugins(),
      terser(),
    ],
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const code = output[0].code;
  return { min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

const kb = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} kB`;
const width = Math.max(...targets.map((t) => t.label.length));
console.log(`${'bundle'.padEnd(width)}  ${'min'.padStart(9)}  ${'min+gzip'.padStart(9)}`);
for (const target of targets) {
  const { min, gzip } = await measure(target);
  console.log(`${target.label.padEnd(width)}  ${kb(min).padStart(9)}  ${kb(gzip).padStart(9)}`);
}

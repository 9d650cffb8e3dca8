/** Builds bundles in memory with the project's own rollup settings, to measure min+gzip. */
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import type { Plugin } from 'rollup';

/** The helpers of the root rollup.config.mjs (plain JS, imported at run time). */
interface RollupHelpers {
  browserPlugins(): Plugin[];
  externals(packages: string[]): (id: string) => boolean;
  typescriptPlugin(tsconfig: string): Plugin;
  widgetBundlePlugins(): Plugin[];
}
const configUrl = new URL('../../rollup.config.mjs', import.meta.url).href;
const { browserPlugins, externals, typescriptPlugin, widgetBundlePlugins } = (await import(
  configUrl
)) as RollupHelpers;
// The plugin's types describe a CommonJS default; at run time the ESM default is the function.
const terser = ((await import('@rollup/plugin-terser')) as unknown as { default: () => Plugin })
  .default;

export interface Bundle {
  label: string;
  code: string;
  min: number;
  gzip: number;
}

type Target = 'widget' | 'sdk' | 'socket.io-client' | 'lit';

const VIRTUAL = '\0bench-entry';

/** An entry module that re-exports one package, so that it is bundled whole. */
function reexport(specifier: string): Plugin {
  return {
    name: 'bench-entry',
    resolveId: (id) => (id === VIRTUAL ? id : null),
    load: (id) => (id === VIRTUAL ? `export * from '${specifier}';` : null),
  };
}

export async function buildBundle(target: Target): Promise<Bundle> {
  const config = {
    widget: {
      label: 'script-tag widget',
      input: 'widget/src/index.ts',
      plugins: widgetBundlePlugins(),
      format: 'iife' as const,
    },
    sdk: {
      label: '@parley/sdk + socket.io-client',
      input: 'sdk/src/index.ts',
      plugins: [typescriptPlugin('sdk/tsconfig.build.json'), ...browserPlugins(), terser()],
      format: 'es' as const,
    },
    'socket.io-client': {
      label: 'socket.io-client',
      input: VIRTUAL,
      plugins: [reexport('socket.io-client'), ...browserPlugins(), terser()],
      format: 'es' as const,
    },
    lit: {
      label: 'lit',
      input: VIRTUAL,
      plugins: [reexport('lit'), ...browserPlugins(), terser()],
      format: 'es' as const,
    },
  }[target];
  const bundle = await rollup({
    input: config.input,
    external: externals([]),
    plugins: config.plugins,
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: config.format, name: 'ParleyWidget' });
  await bundle.close();
  const code = output[0].code;
  return {
    label: config.label,
    code,
    min: Buffer.byteLength(code),
    gzip: gzipSync(code, { level: 9 }).length,
  };
}

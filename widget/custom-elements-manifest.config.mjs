/**
 * `npm run analyze` (cem) writes custom-elements.json. The analyzer globs the sources
 * asynchronously, so its modules came out in another order from build to build and left the
 * committed manifest changed with nothing changed in it; the plugin puts them in path order.
 */
const byPath = (a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  litelement: true,
  outdir: '.',
  plugins: [
    {
      name: 'parley-modules-in-path-order',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort(byPath);
      },
    },
  ],
};

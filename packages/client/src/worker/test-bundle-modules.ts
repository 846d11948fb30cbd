import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * The modules a browser bundle of `contents` (TypeScript importing the packages, from the
 * repo root) is made of, as paths from the repo root: every module parsed (`parsed`) and
 * those with code left after tree shaking (`shipped`). For the bundle tests.
 *
 * @example
 * const { shipped } = await bundleModules("export { connectTidelog } from '@tidelog/client/worker';");
 */
export async function bundleModules(contents: string): Promise<{ parsed: string[]; shipped: string[] }> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  return {
    parsed: Object.keys(result.metafile.inputs),
    shipped: Object.entries(output?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path),
  };
}

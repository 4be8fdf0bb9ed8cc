// Bundles the console with esbuild into the platform directory at `up` (build output is never
// committed): the browser code (web/) into <dir>/assets, every asset (uPlot included) from
// node_modules so the page loads nothing from elsewhere; and the server into <dir>/server.mjs,
// plain JavaScript, because Node's type stripping costs the process ~25 MB of RSS (87 vs 61 MB
// measured) against the console's 80 MB budget. Built into a fresh directory and then swapped in,
// so a running console never serves half a bundle.
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WEB = path.join(HERE, 'web');

export const serverBundle = (dir: string) => path.join(dir, 'server.mjs');
export const assetsBundle = (dir: string) => path.join(dir, 'assets');

export async function bundleConsole(outdir: string): Promise<{ ms: number; bytes: number }> {
  const t0 = performance.now();
  const esbuild = await import('esbuild');
  const tmp = `${outdir}.new-${process.pid}`;
  await fsp.rm(tmp, { recursive: true, force: true });
  try {
    const server = esbuild.build({
      entryPoints: [path.join(HERE, 'server.ts')],
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      outfile: serverBundle(tmp),
      logLevel: 'silent',
    });
    await esbuild.build({
      entryPoints: { app: path.join(WEB, 'main.ts') },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      sourcemap: true,
      legalComments: 'none',
      outdir: assetsBundle(tmp),
      logLevel: 'silent',
    });
    await server;
    await fsp.copyFile(path.join(WEB, 'index.html'), path.join(assetsBundle(tmp), 'index.html'));
    const old = `${outdir}.old-${process.pid}`;
    await fsp.rename(outdir, old).catch(() => undefined);
    await fsp.rename(tmp, outdir);
    await fsp.rm(old, { recursive: true, force: true });
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    const first = errors?.[0];
    throw new Error(
      `console bundle failed: ${first ? `${first.location?.file ?? ''}:${first.location?.line ?? ''} ${first.text}` : (e as Error).message}`,
      { cause: e },
    );
  }
  let bytes = 0;
  const assets = assetsBundle(outdir);
  for (const f of await fsp.readdir(assets)) if (!f.endsWith('.map')) bytes += (await fsp.stat(path.join(assets, f))).size;
  return { ms: Math.round(performance.now() - t0), bytes };
}

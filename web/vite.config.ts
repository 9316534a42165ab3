import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(root, 'dist');

/**
 * Writes .br and .gz beside each text file of the build, so the API sends them compressed
 * (@fastify/static `preCompressed`) without compressing on every request.
 */
function precompress(): Plugin {
  return {
    name: 'cowatch-precompress',
    apply: 'build',
    async closeBundle() {
      const files = await readdir(outDir, { recursive: true });
      for (const file of files.filter((f) => /\.(js|css|html|svg|json)$/.test(f))) {
        const path = join(outDir, file);
        const body = await readFile(path);
        await writeFile(`${path}.gz`, gzipSync(body, { level: 9 }));
        await writeFile(
          `${path}.br`,
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

/** The web client: built into web/dist, which the API serves at `/` (src/api/web/). */
export default defineConfig(({ command }) => ({
  root,
  // JSX through Vite's own transformer: no Babel preset needed for Preact. A build is always
  // production JSX: under NODE_ENV=test (vitest) it would otherwise be jsxDEV, bigger and
  // carrying the absolute path of every source file.
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact', development: command === 'serve' },
  },
  plugins: [precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Hashed file names under /assets: the server marks them immutable.
    assetsDir: 'assets',
    // A strict CSP (no inline scripts or data: fonts): keep every asset a file of its own.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:3000', ws: true } } },
  logLevel: 'warn',
}));

import vue from '@vitejs/plugin-vue';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

/** Writes `<file>.gz` and `<file>.br` beside every compressible asset, so the server never compresses at request time. */
function precompress(): Plugin {
  const compressible = /\.(js|mjs|css|html|svg|json|txt)$/;
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  return {
    name: 'sessionops-precompress',
    apply: 'build',
    closeBundle() {
      for (const file of walk(outDir)) {
        if (!compressible.test(file)) continue;
        const raw = readFileSync(file);
        if (raw.length < 1024) continue;
        writeFileSync(`${file}.gz`, gzipSync(raw, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(raw, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
          }),
        );
      }
    },
  };
}

/**
 * Element Plus components named in script (ElMessage, ElMessageBox, a render function's ElCheckbox) bring their stylesheet
 * too: the resolver below only sees templates.
 */
function elementPlusScriptStyles(): Plugin {
  const named = /import\s*\{([^}]*)\}\s*from\s*['"]element-plus['"]/g;
  const stylesOf = (name: string): string | null => {
    const dir = name
      .slice(2)
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase();
    return existsSync(join(root, `../node_modules/element-plus/es/components/${dir}/style/css.mjs`))
      ? `element-plus/es/components/${dir}/style/css`
      : null;
  };
  return {
    name: 'sessionops-element-plus-script-styles',
    enforce: 'post',
    transform(code, id) {
      if (id.includes('/node_modules/') || !/\.(vue|ts)$/.test(id.split('?')[0]!)) return null;
      const styles = new Set<string>();
      for (const m of code.matchAll(named)) {
        for (const spec of m[1]!.split(',')) {
          const name = spec.trim().split(/\s+as\s+/)[0]!;
          if (!/^El[A-Z]/.test(name)) continue;
          const css = stylesOf(name);
          if (css) styles.add(css);
        }
      }
      if (styles.size === 0) return null;
      // on the first line, so the module's own lines keep their numbers
      return { code: `${[...styles].map((s) => `import '${s}';`).join('')}${code}`, map: null };
    },
  };
}

export default defineConfig({
  root,
  plugins: [
    vue(),
    // Element Plus components and directives are imported where templates use them, each with its own stylesheet
    Components({ dts: false, dirs: [], resolvers: [ElementPlusResolver({ importStyle: 'css' })] }),
    elementPlusScriptStyles(),
    precompress(),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      output: {
        // Libraries (Vue, Element Plus components with their styles...) in a few chunks, each shared by the pages that use
        // all of it, rather than one small chunk per combination of pages: a page opened cold asks for ~20 files fewer.
        codeSplitting: {
          groups: [{ name: 'vendor', test: /node_modules/, entriesAware: true, entriesAwareMergeThreshold: 60_000 }],
        },
        chunkFileNames: (chunk) => (chunk.name.startsWith('vendor') ? 'assets/vendor-[hash].js' : 'assets/[name]-[hash].js'),
        assetFileNames: (asset) =>
          asset.names.some((n) => n.startsWith('vendor')) ? 'assets/vendor-[hash][extname]' : 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:3000', '/v1': 'http://127.0.0.1:3000' },
  },
});

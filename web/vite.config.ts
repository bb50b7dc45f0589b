import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { defineConfig, type Plugin } from 'vite';
import { precompress } from './build/precompress';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/web', import.meta.url));

/**
 * Puts the boot chunk (src/app/boot.ts) in a module script of its own ahead of the entry's. The
 * build folds index.html's module scripts into one entry, and a module runs only once its whole
 * graph has arrived: imported by the entry, boot would wait for every library. As the first module
 * script, it runs once it and the stylesheets have arrived; the entry's import of it then finds it
 * evaluated.
 */
function bootFirst(): Plugin {
  return {
    name: 'sessionops-boot-first',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const boot = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'boot');
        if (!boot) throw new Error('no boot chunk in the bundle: see codeSplitting in web/vite.config.ts');
        const src = `/${boot.fileName}`;
        const entry = /<script type="module" crossorigin src="[^"]+"><\/script>/.exec(html);
        if (!entry) throw new Error('no entry module script in index.html');
        return html
          .replace(/\s*<link rel="modulepreload" crossorigin href="([^"]+)">/g, (link, href: string) => (href === src ? '' : link))
          .replace(entry[0], `<script type="module" crossorigin src="${src}"></script>\n    ${entry[0]}`);
      },
    },
  };
}

export default defineConfig({
  root,
  plugins: [
    vue(),
    // Element Plus components and directives are imported where templates use them, each with its own stylesheet
    Components({ dts: false, dirs: [], resolvers: [ElementPlusResolver({ importStyle: 'css' })] }),
    bootFirst(),
    precompress(),
  ],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir,
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // One stylesheet for the whole console (285 kB, 39 kB gzip) rather than one beside each chunk: a
    // session page opened cold asked for 12 stylesheets (7 before its first script could run), and
    // Chromium's cost per file outweighed parsing the other pages' rules (cold load's median 3–139 ms
    // sooner in four interleaved runs of 12–20 loads each; reloads unchanged within their noise).
    cssCodeSplit: false,
    rolldownOptions: {
      output: {
        // Libraries (Vue, Element Plus components...) in a few chunks, each shared by the pages that use
        // all of it, rather than one small chunk per combination of pages: a page opened cold asks for ~20 files fewer.
        codeSplitting: {
          groups: [
            // src/app/boot.ts and the little it imports (keep the list in step with its imports), in a chunk of
            // their own that runs ahead of the entry (bootFirst): its requests go out before the libraries arrive
            { name: 'boot', test: /src[\\/](app[\\/]boot|api[\\/]http|features[\\/]db-sessions[\\/](api|view-state))\.ts$/, priority: 1 },
            { name: 'vendor', test: /node_modules/, entriesAware: true, entriesAwareMergeThreshold: 60_000 },
            // small modules that several pages share (keep the list in step), in one chunk rather than a file of a few
            // hundred bytes each that a page asks for once its own chunk has arrived
            {
              name: 'common',
              test: /src[\\/](app[\\/](format|use-polling|i18n[\\/]errors|i18n[\\/]error-messages)|features[\\/](tenants[\\/]tenant-context|db-sessions[\\/]format))\.ts$/,
            },
          ],
        },
        chunkFileNames: (chunk) => (chunk.name.startsWith('vendor') ? 'assets/vendor-[hash].js' : 'assets/[name]-[hash].js'),
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: { '/api': 'http://127.0.0.1:3000', '/v1': 'http://127.0.0.1:3000' },
  },
});

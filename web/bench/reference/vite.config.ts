// Builds the reference pages of bench/cold-load.bench-spec.ts (the bench passes --outDir), compressed
// and hashed as the console's build is, so the console's server serves them the same way.
import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { precompress } from '../../build/precompress';

const root = fileURLToPath(new URL('.', import.meta.url));
const src = fileURLToPath(new URL('../../src', import.meta.url));

export default defineConfig({
  root,
  logLevel: 'warn',
  plugins: [vue(), precompress()],
  // the console's messages import their registry by the console's alias
  resolve: { alias: { '@': src } },
  build: {
    emptyOutDir: true,
    rolldownOptions: { input: { index: `${root}/index.html`, plain: `${root}/plain.html` } },
  },
});

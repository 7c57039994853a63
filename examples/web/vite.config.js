import { defineConfig } from 'vite';

// A relative base lets the built page work from any path: the local pool
// serves it at /, a real site may serve it anywhere.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true },
});

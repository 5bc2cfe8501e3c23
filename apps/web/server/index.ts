// The one process behind `pnpm dev` and `pnpm start`: resolves the database (embedded
// PostgreSQL unless DATABASE_URL is set), applies migrations, then serves the Remix app.
import { realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { openAppDatabase, readDatabaseEnv, redactUrl, repoRoot, type AppDatabase } from "@saas/db/dev-database";
import { EmbeddedPostgresError } from "@saas/db/embedded";
import { deployMigrations } from "@saas/db/migrate";

import { readStripeEnv } from "@saas/billing";
import { environment, EnvError } from "@saas/env";
import { readMailEnv } from "@saas/mail";
import compression from "compression";
import express from "express";
import { limitBody } from "./body-limit.ts";
import { requireSameOrigin } from "./csrf.ts";
import { readServerEnv } from "./env.ts";
import { provideAppSettings } from "../app/lib/settings.server.ts";
import { prepareMail } from "./local-mail.ts";
import { prepareStripe } from "./local-stripe.ts";
import { inboxHtml } from "./inbox-html.ts";
import { securityHeaders } from "./security.ts";
import { startJobWorker } from "./worker.ts";

/** What app/entry.server.tsx exports besides Remix's own. */
type AppEntryModule = { trpcMiddleware: express.RequestHandler };

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Undone in reverse order on exit: the HTTP server first, the database last. */
const cleanups: Array<() => Promise<void>> = [];
const shutdown = once(async (code: number) => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
  process.exit(code);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: shutting down`);
    void shutdown(0);
  });
}

async function main() {
  const source = environment(repoRoot);
  const env = readServerEnv(source);
  const stripeEnv = readStripeEnv(source);
  const mailEnv = readMailEnv(source);
  if (env.offlineDemo && env.production) {
    console.warn(
      "\n  OFFLINE_DEMO=true: this production build may run on the embedded PostgreSQL and the Stripe\n" +
        "  emulator (whose control API is unauthenticated). For demos and tests only: never serve customers from it.\n",
    );
  }
  // tsx turns on source-mapped stack traces. In production they cost every Error.stack read
  // (the Stripe SDK reads one per request) a fresh parse of the map: about 1 ms of CPU per
  // portal session in BENCHMARKS.md. Development keeps them.
  if (env.production) process.setSourceMapsEnabled(false);
  const started = performance.now();

  const database = await openAppDatabase(readDatabaseEnv(source));
  cleanups.push(() => database.stop());
  const applied = await deployMigrations(database.url);
  if (applied.length) console.log(`applied migrations: ${applied.join(", ")}`);

  const stripe = await prepareStripe(stripeEnv, {
    appPort: env.PORT,
    appBaseUrl: env.APP_BASE_URL,
    emulatorPort: env.STRIPE_EMULATOR_PORT,
    emulatorData: env.STRIPE_EMULATOR_DATA,
    emulatorRateLimit: env.STRIPE_EMULATOR_RATE_LIMIT,
  });
  cleanups.push(() => stripe.stop());
  const mail = await prepareMail(mailEnv, { appBaseUrl: env.APP_BASE_URL });
  cleanups.push(() => mail.stop());
  const worker = env.workerInProcess
    ? await startJobWorker({
        databaseUrl: database.url,
        stripe: stripe.settings,
        mail: { smtpUrl: mail.smtpUrl, from: mailEnv.from, appBaseUrl: env.APP_BASE_URL },
        concurrency: env.WORKER_CONCURRENCY,
      })
    : null;
  if (worker) cleanups.push(() => worker.stop());
  // Before the app is loaded: its modules read these as they load.
  provideAppSettings({
    databaseUrl: database.url,
    appBaseUrl: env.APP_BASE_URL,
    stripe: stripe.settings,
    inboxDir: mail.inboxDir,
  });

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", env.TRUST_PROXY);
  // The inbox's raw HTML parts, with a policy of their own (before the app's headers).
  if (mail.inboxDir) app.use("/dev/inbox", inboxHtml(mail.inboxDir, env.APP_BASE_URL));
  app.use(securityHeaders({ production: env.production, stripeApiBase: stripe.settings.apiBase }));
  app.use(limitBody());
  app.use(requireSameOrigin(env.APP_BASE_URL));
  let build: ServerBuild | (() => Promise<ServerBuild>);
  if (env.production) {
    // Scripts, styles and pages leave compressed, brotli or gzip as the browser prefers
    // (Settings → Billing's JavaScript: 334 kB raw, 111 kB sent). Streamed pages still
    // stream: Remix flushes after each chunk. BREACH needs an attacker's page to make the
    // victim's browser fetch signed-in responses many times: the session cookie is
    // SameSite=Lax, so those cross-site requests arrive signed out (and CSRF is an Origin
    // check, not a token in the page).
    app.use(compression());
    app.use("/assets", express.static(path.join(appDir, "build/client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(appDir, "build/client"), { maxAge: "1h" }));
    build = (await import(path.join(appDir, "build/server/index.js"))) as ServerBuild;
  } else {
    const vite = await import("vite").then((v) => v.createServer({ root: appDir, server: { middlewareMode: true } }));
    cleanups.push(() => vite.close());
    app.use(vite.middlewares);
    build = () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
  }
  // tRPC before Remix, from the same server build (so the same database pool and clients).
  // Production takes the handler once (a build without it fails here, not per call);
  // development asks Vite on each call, so edits apply.
  let trpc: express.RequestHandler;
  if (typeof build === "function") {
    const load = build;
    trpc = (req, res, next) => {
      load()
        .then((loaded) => trpcMiddlewareOf(loaded)(req, res, next))
        .catch(next);
    };
  } else {
    trpc = trpcMiddlewareOf(build);
  }
  app.use("/api/trpc", (req, res, next) => {
    // One segment, the procedure: tRPC's adapter reads only the last one, so refuse the rest.
    if (req.path.lastIndexOf("/") > 0) return next();
    trpc(req, res, next);
  });
  // Remix's handler passes its own failures to next(); nothing is left to await.
  const remix = createRequestHandler({
    build,
    mode: env.production ? "production" : "development",
    getLoadContext: (req, res) => ({
      clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      cspNonce: String(res.locals.cspNonce),
      sessionLookups: new Map(),
    }),
  });
  app.all("*", (req, res, next) => void remix(req, res, next));

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(env.PORT, env.HOST, () => resolve(listening)).once("error", reject);
  });
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));

  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const mode = env.production ? "production build" : "development";
  const jobs = worker ? `run here, ${env.WORKER_CONCURRENCY} at a time` : "by pnpm worker (WORKER_IN_PROCESS=false)";
  console.log(
    [
      ``,
      `  App         ${env.APP_BASE_URL}  (${mode}, ready in ${seconds} s)`,
      `  Health      ${env.APP_BASE_URL}/healthz`,
      `  Stripe      ${stripe.describe}`,
      `  Email       ${mail.describe}`,
      `  Database    ${describeDatabase(database)}`,
      `  Jobs        ${jobs}`,
      ``,
      `  Stop with Ctrl-C.`,
      ``,
    ].join("\n"),
  );
}

function describeDatabase(database: AppDatabase): string {
  if (!database.embedded) {
    return database.shared
      ? "the embedded PostgreSQL of a running pnpm dev"
      : `DATABASE_URL (${redactUrl(database.url)})`;
  }
  const { dataDir } = database.embedded;
  const physical = realpathSync(dataDir);
  const resolved = physical === dataDir ? "" : ` (→ ${physical})`;
  return `embedded PostgreSQL, data in ${path.relative(repoRoot, dataDir)}${resolved}`;
}

/** The tRPC handler app/entry.server.tsx exports next to Remix's own entry. */
function trpcMiddlewareOf(build: ServerBuild): express.RequestHandler {
  const handler = (build.entry.module as Partial<AppEntryModule>).trpcMiddleware;
  if (typeof handler !== "function")
    throw new Error("app/entry.server.tsx must export trpcMiddleware (see app/lib/trpc-handler.server.ts)");
  return handler;
}

function once<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  let pending: Promise<void> | undefined;
  return (...args: A) => (pending ??= fn(...args));
}

/** The one-line story for start-up failures a user can fix; anything else keeps its stack. */
function explain(error: unknown): unknown {
  if (error instanceof EnvError || error instanceof EmbeddedPostgresError) return error.message;
  if (error instanceof Error && "code" in error && error.code === "EADDRINUSE" && "port" in error) {
    return (
      `Port ${String(error.port)} is already in use (another pnpm dev?). Stop that process, or choose another port ` +
      "with PORT=… (the app) or STRIPE_EMULATOR_PORT=… (the Stripe emulator)."
    );
  }
  return error;
}

main().catch((error: unknown) => {
  console.error(explain(error));
  void shutdown(1);
});

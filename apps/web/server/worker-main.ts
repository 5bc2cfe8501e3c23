// `pnpm worker`: the job queue's worker as a process of its own, for deployments that run web
// and worker processes apart (the web processes then set WORKER_IN_PROCESS=false). Any number
// of them share the one PostgreSQL; each job runs once, one at a time per customer.
//
// It reads the same settings as the web server. In development it borrows what a running
// `pnpm dev` has: its embedded PostgreSQL, the Stripe emulator when no STRIPE_SECRET_KEY is
// set, and the embedded SMTP inbox when no SMTP_URL is.
import { localEmulatorSettings, readStripeEnv, type StripeSettings } from "@saas/billing";
import { findRunningAppDatabase, readDatabaseEnv, redactUrl, repoRoot } from "@saas/db/dev-database";
import { deployMigrations } from "@saas/db/migrate";
import { environment, EnvError } from "@saas/env";
import { readMailEnv, SMTP_URL_HINT } from "@saas/mail";
import { readServerEnv } from "./env.ts";
import { runningDevSmtp } from "./local-mail.ts";
import { startJobWorker, type JobWorker } from "./worker.ts";

class WorkerStartError extends Error {}

async function main(): Promise<() => Promise<void>> {
  const source = environment(repoRoot);
  const env = readServerEnv(source);
  const stripeEnv = readStripeEnv(source);
  const mailEnv = readMailEnv(source);

  const database = findRunningAppDatabase(readDatabaseEnv(source));
  if (!database) {
    throw new WorkerStartError(
      "pnpm worker needs the app's database, and none is running: DATABASE_URL is not set and no pnpm dev is up.\n" +
        "Start pnpm dev first (the worker shares its embedded PostgreSQL), or set " +
        "DATABASE_URL=postgresql://user:password@host:5432/app.",
    );
  }
  await deployMigrations(database.url).catch((error: unknown) => {
    const where = database.shared ? "the embedded PostgreSQL of pnpm dev" : redactUrl(database.url);
    throw new WorkerStartError(
      `pnpm worker cannot use ${where}: ${error instanceof Error ? error.message : String(error)}\n` +
        (database.shared
          ? "Is pnpm dev still running? Start it again."
          : "Check DATABASE_URL and that the server is up."),
    );
  });
  const stripe = await stripeSettings(stripeEnv, env.STRIPE_EMULATOR_PORT);
  const smtpUrl = mailEnv.smtpUrl ?? runningDevSmtp(mailEnv);
  if (!smtpUrl) {
    throw new WorkerStartError(
      "SMTP_URL is not set and no pnpm dev (whose embedded SMTP inbox the worker would use) is running.\n" +
        `Start pnpm dev first, or set ${SMTP_URL_HINT}.`,
    );
  }
  const worker: JobWorker = await startJobWorker({
    databaseUrl: database.url,
    stripe,
    mail: { smtpUrl, from: mailEnv.from, appBaseUrl: env.APP_BASE_URL },
    concurrency: env.WORKER_CONCURRENCY,
  });
  console.log(
    [
      ``,
      `  Worker      ${env.WORKER_CONCURRENCY} jobs at a time (${env.production ? "production" : "development"})`,
      `  Database    ${database.shared ? "the embedded PostgreSQL of a running pnpm dev" : redactUrl(database.url)}`,
      `  Stripe      ${stripe.apiBase ? `at ${stripe.apiBase}` : "api.stripe.com"}`,
      `  Email       ${mailEnv.smtpUrl ? `SMTP_URL (${new URL(smtpUrl).host})` : `the embedded inbox of pnpm dev`}`,
      ``,
      `  Stop with Ctrl-C (running jobs finish first).`,
      ``,
    ].join("\n"),
  );
  return () => worker.stop();
}

/** Stripe as configured; in development without a key, the emulator of a running pnpm dev (or pnpm emulator). */
async function stripeSettings(env: ReturnType<typeof readStripeEnv>, emulatorPort: number): Promise<StripeSettings> {
  if (env.secretKey) return { ...env, secretKey: env.secretKey, webhookSecrets: env.webhookSecrets ?? [] };
  const emulator = localEmulatorSettings(env, emulatorPort);
  const apiBase = emulator.apiBase ?? "";
  const answers = await fetch(new URL("/v1/customers?limit=1", apiBase), {
    headers: { Authorization: `Bearer ${emulator.secretKey}` },
    signal: AbortSignal.timeout(2_000),
  }).then(
    (response) => response.ok,
    () => false,
  );
  if (!answers) {
    throw new WorkerStartError(
      `STRIPE_SECRET_KEY is not set and no Stripe emulator answers at ${apiBase}.\n` +
        "Start pnpm dev (or pnpm emulator) first, or set STRIPE_SECRET_KEY=sk_test_… (see .env.example).",
    );
  }
  return emulator;
}

function explain(error: unknown): unknown {
  if (error instanceof WorkerStartError || error instanceof EnvError) return error.message;
  return error;
}

main().then(
  (stop) => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        console.log(`\n${signal}: stopping the worker`);
        stop().then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(error);
            process.exit(1);
          },
        );
      });
    }
  },
  (error: unknown) => {
    console.error(explain(error));
    process.exit(1);
  },
);

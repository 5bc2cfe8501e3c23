// What `pnpm emulator` reads from the environment (the emulator depends on no package of
// the app, so it reads its variables itself; cli.ts validates them with its flags).
export function readEmulatorEnv(source: Readonly<Record<string, string | undefined>> = process.env) {
  return {
    webhookSecret: source.STRIPE_WEBHOOK_SECRET || undefined,
    rateLimit: source.STRIPE_EMULATOR_RATE_LIMIT || undefined,
  };
}

/**
 * `pnpm emulator trigger` reads where to send requests (`STRIPE_API_BASE`, `STRIPE_EMULATOR_PORT`,
 * `STRIPE_SECRET_KEY`), and a fixture may refer to any variable as `${.env:NAME}`.
 */
export function triggerEnvironment(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

// What `pnpm emulator` reads from the environment (the emulator depends on no package of
// the app, so it reads its variables itself; cli.ts validates them with its flags).
export function readEmulatorEnv(source: Readonly<Record<string, string | undefined>> = process.env) {
  return {
    webhookSecret: source.STRIPE_WEBHOOK_SECRET || undefined,
    rateLimit: source.STRIPE_EMULATOR_RATE_LIMIT || undefined,
  };
}

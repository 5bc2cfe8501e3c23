// What `pnpm emulator` reads from the environment (the emulator depends on no package of
// the app, so it reads its one variable itself).
export function readEmulatorEnv(source: Readonly<Record<string, string | undefined>> = process.env) {
  return { webhookSecret: source.STRIPE_WEBHOOK_SECRET || undefined };
}

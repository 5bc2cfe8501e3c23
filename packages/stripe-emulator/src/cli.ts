// `pnpm emulator`: runs the Stripe emulator in the foreground, like `stripe-mock` + `stripe listen`.
import { parseArgs } from "node:util";
import { z } from "zod";
import { readEmulatorEnv } from "./env.ts";
import { DEFAULT_RATE_LIMIT, rateLimitTextSchema } from "./http/rate-limit.ts";
import { startEmulator } from "./server.ts";
import { runTriggerCli } from "./trigger/trigger-cli.ts";

const USAGE =
  "Usage: pnpm emulator trigger <event> [--help]   fires an event at a running emulator, like `stripe trigger`\n" +
  "       pnpm emulator [--port 12111] [--host 127.0.0.1] [--forward-to URL] " +
  "[--webhook-secret whsec_…] [--data FILE] [--rate-limit <n|off>]\n" +
  "  --webhook-secret defaults to $STRIPE_WEBHOOK_SECRET, else a new random whsec_ secret.\n" +
  "  --rate-limit: API requests per second per API key, or off; defaults to $STRIPE_EMULATOR_RATE_LIMIT, " +
  `else ${DEFAULT_RATE_LIMIT}.`;

const optionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65_535).default(12_111),
  host: z.string().default("127.0.0.1"),
  forwardTo: z.string().url().optional(),
  webhookSecret: z.string().startsWith("whsec_", "the webhook secret must start with whsec_").optional(),
  dataFile: z.string().optional(),
  rateLimit: rateLimitTextSchema.default(DEFAULT_RATE_LIMIT),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "forward-to": { type: "string" },
      "webhook-secret": { type: "string" },
      data: { type: "string" },
      "rate-limit": { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help === true) {
    console.log(USAGE);
    return;
  }
  const env = readEmulatorEnv();
  const parsed = optionsSchema.safeParse({
    port: values.port,
    host: values.host,
    forwardTo: values["forward-to"],
    webhookSecret: values["webhook-secret"] ?? env.webhookSecret,
    dataFile: values.data,
    rateLimit: values["rate-limit"] ?? env.rateLimit,
  });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    console.error(`Invalid options:\n${issues}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const emulator = await startEmulator(parsed.data);
  console.log(`Stripe emulator listening on ${emulator.url}`);
  console.log(`  API key:        any sk_test_… key, e.g. ${emulator.apiKey}`);
  console.log(
    `  SDK config:     new Stripe(key, { host: "${emulator.host}", port: ${emulator.port}, protocol: "http" })`,
  );
  console.log(`  Webhook secret: ${emulator.webhookSecret}`);
  if (parsed.data.forwardTo !== undefined) console.log(`  Forwarding:     ${parsed.data.forwardTo}`);
  if (parsed.data.dataFile !== undefined) console.log(`  Data file:      ${parsed.data.dataFile}`);
  const { rateLimit } = parsed.data;
  console.log(`  Rate limit:     ${rateLimit === "off" ? "off" : `${rateLimit} requests/s per API key`}`);
  const shutdown = () => {
    void emulator.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

if (process.argv[2] === "trigger") {
  void runTriggerCli(process.argv.slice(3)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(`Trigger failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
} else {
  void main();
}

// The arguments of `pnpm billing:events`, read apart from running it.
import { parseArgs } from "node:util";
import { EVENT_OUTCOMES, type EventOutcome } from "../events/event-log.ts";

export const USAGE = `Usage:
  pnpm billing:events [--failed | --outcome queued|applied|failed|ignored] [--customer cus_…] [--limit 50]
  pnpm billing:events retry evt_… [evt_…]
  pnpm billing:events retry --failed [--customer cus_…]`;

export type EventsArgs = {
  command: "list" | "retry";
  ids: string[];
  outcome: EventOutcome | undefined;
  customerId: string | undefined;
  limit: number;
};

const OPTIONS = {
  failed: { type: "boolean" },
  outcome: { type: "string" },
  customer: { type: "string" },
  limit: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The arguments, or the message that says what is wrong with them. */
export function readEventsArgs(argv: string[]): EventsArgs | string {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false, options: OPTIONS });
  if (values.help) return USAGE;
  // parseArgs files a short option under its long name (`-h` as `help`), so the long names are all there is.
  const unknown = Object.keys(values).filter((name) => !Object.hasOwn(OPTIONS, name));
  if (unknown.length) return `unknown option --${unknown[0]}\n\n${USAGE}`;
  const [first, ...rest] = positionals;
  const command = first === "retry" ? "retry" : "list";
  const ids = command === "retry" ? rest : positionals;
  if (command === "list" && ids.length) return `unknown command "${ids[0]}"\n\n${USAGE}`;
  const badId = ids.find((id) => !/^evt_\w+$/.test(id));
  if (badId) return `retry takes Stripe event ids (evt_…), got "${badId}"`;
  const customerId = typeof values.customer === "string" ? values.customer : undefined;
  if (values.customer !== undefined && !/^cus_\w+$/.test(String(values.customer)))
    return `--customer takes a Stripe customer id (cus_…), got "${String(values.customer)}"`;
  const outcome = values.failed ? "failed" : typeof values.outcome === "string" ? values.outcome : undefined;
  if (outcome !== undefined && !(EVENT_OUTCOMES as readonly string[]).includes(outcome))
    return `--outcome takes one of ${EVENT_OUTCOMES.join(", ")}, got "${outcome}"`;
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    return `--limit takes a positive whole number, got "${String(values.limit)}"`;
  if (command === "retry" && !ids.length && outcome !== "failed")
    return `retry needs event ids or --failed\n\n${USAGE}`;
  if (command === "retry" && ids.length && (outcome || customerId))
    return `retry takes either event ids or --failed [--customer], not both`;
  return { command, ids, outcome: outcome as EventOutcome | undefined, customerId, limit };
}

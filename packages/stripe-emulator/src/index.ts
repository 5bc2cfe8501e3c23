export { startEmulator, type EmulatorOptions, type RunningEmulator } from "./server.ts";
export {
  EmulatorControlClient,
  EmulatorControlError,
  type CompleteCheckoutInput,
  type CompleteCheckoutResult,
  type EmulatorSettings,
} from "./control-client.ts";
export type { Settings } from "./app.ts";
export type { ChaosSettings } from "./webhooks/chaos.ts";
export type { DeliveryRecord } from "./webhooks/dispatcher.ts";
export type { Fault, FaultInput } from "./http/faults.ts";
export { DEFAULT_RATE_LIMIT, type RateLimit } from "./http/rate-limit.ts";
export {
  createHostedPages,
  type HostedPages,
  type HostedPageRequest,
  type HostedPageResponse,
} from "./hosted/hosted-pages.ts";
export { API_VERSION } from "./events/event-log.ts";
export { projectFixtures } from "./trigger/trigger-cli.ts";

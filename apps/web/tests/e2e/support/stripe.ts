// The emulator the app under test talks to (started by the app itself; see playwright.config.ts).
import { EmulatorControlClient } from "@saas/stripe-emulator";

export const emulatorUrl = `http://127.0.0.1:${process.env.E2E_EMULATOR_PORT}`;
export const emulator = new EmulatorControlClient(emulatorUrl);

import { base, prettier } from "@saas/eslint-config/base";
import { boundaries } from "@saas/eslint-config/boundaries";

export default [
  ...base,
  ...boundaries("@saas/bench"),
  prettier,
  // Temporary: lines over 120 to be wrapped; remove this override once they are.
  { files: ["**/*.ts", "**/*.js"], rules: { "max-len": "off" } },
];

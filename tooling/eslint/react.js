// React rules for apps/web, added after `base`. Only app/: Playwright fixtures in
// tests/ call a parameter named `use`, which rules-of-hooks takes for React's use().
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig } from "eslint/config";

export const react = defineConfig({
  files: ["app/**/*.ts", "app/**/*.tsx"],
  plugins: { "react-hooks": reactHooks },
  rules: {
    "react-hooks/rules-of-hooks": "error",
    "react-hooks/exhaustive-deps": "error",
  },
});

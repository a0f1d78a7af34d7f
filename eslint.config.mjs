// ESLint (flat config) for the program and its tests; policy/ has its own (policy/eslint.config.mjs).
// House rules as code: strict TypeScript, no `any`, no unused code, no floating promises in the
// program. Formatting is Prettier's job (.prettierrc.json), never ESLint's.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "bin/**",
      "dist/**",
      "reports/**",
      ".stryker-tmp/**",
      "policy/**",
      "cluster/**",
      "app/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      eqeqeq: ["error", "always"],
      "prefer-const": "error",
      "no-console": "off",
    },
  },
  {
    // Tests may use require() to load the program under mocks, and non-null assertions on fixtures.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-require-imports": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  { files: ["test/support/schema.ts"], rules: { "preserve-caught-error": "off" } },
);

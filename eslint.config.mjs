// ESLint for the whole repository: `npm run lint` (with `prettier --check`), run by .ci/run and both
// workflows. TypeScript is linted with type information from the tsconfig.json that `npm run build`
// checks, so that the type-aware rules (floating promises, Outputs in template literals) see the
// same program the compiler does. Formatting is Prettier's alone (eslint-config-prettier, last).
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import prettier from "eslint-config-prettier";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "build/",
      "tmp/",
      // Code that must break these rules, linted on purpose by tests/lint.spec.ts.
      "tests/fixtures/lint/",
    ],
  },
  {
    // A disable comment that silences nothing, or names a rule that no longer reports, is an error:
    // stale ones hide the reason the code was written that way.
    linterOptions: { reportUnusedDisableDirectives: "error", reportUnusedInlineConfigs: "error" },
  },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    // @pulumi/eslint-plugin ships rules but no preset: each is turned on here. Both need type information.
    plugins: { "@pulumi": pulumi },
    rules: {
      // `${bucket.arn}` renders "Calling [toString] on an [Output<T>] is not supported" into the
      // resource instead of the ARN; pulumi.interpolate (or apply) is the way. The plugin matches
      // type alias names, and OutputInstance is an interface in @pulumi/pulumi 3.x, so the second
      // rule does not fire today: restrict-template-expressions (recommendedTypeChecked) reports an OutputInstance
      // or an Input in a template (tests/lint.spec.ts).
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      // A leading underscore marks a parameter or binding kept for its position or to leave a
      // property out of a rest object (`const { level: _level, ...rest }`).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Every async function without an await here is async by contract: a Lambda handler whose
      // refusal is a rejection (handlePreSignUp), a command that resolves to its exit code, a test
      // double of an async interface (confirm, sleep, notify). `async` keeps a throw a rejection, as
      // callers expect; the rules that catch real promise bugs (no-floating-promises,
      // no-misused-promises) stay on.
      "@typescript-eslint/require-await": "off",
      // A `let` read (by a closure) before its first assignment cannot be a `const`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Re-raising a caught error (typed unknown) through a promise, as only-throw-error already allows for `throw`.
      "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
    },
  },
  {
    files: ["tests/**/*.ts", "bench/**/*.ts"],
    // Linted as program code: it stands for what these rules must catch in the program.
    ignores: ["tests/fixtures/lint/**"],
    rules: {
      // Tests and the bench work on parsed JSON (synth output, task definitions, workflow YAML),
      // Pulumi's mock inputs, gRPC messages and recorded SDK calls, all typed `any` by the libraries
      // that produce them; an assertion that reads a wrong path fails the test. The casts these
      // rules would ask for check nothing at run time.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      // The same values in assertion messages and expected strings: a value of the wrong kind
      // fails the assertion it is compared in.
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      // Tests load what cannot be imported: a generated Lambda handler from a temporary file,
      // protocol modules from @pulumi/pulumi's own dependency tree (so message classes match),
      // exports that exist at run time but not in a package's .d.ts.
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    files: ["**/*.js", "bin/pluto"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node, sourceType: "commonjs" },
  },
  {
    files: ["**/*.mjs"],
    extends: [js.configs.recommended],
    languageOptions: { globals: globals.node, sourceType: "module" },
  },
  prettier,
);

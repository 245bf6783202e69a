// Functional discipline: loops, mutation, throw, null and unsafe getters are build errors in src/ and bin/.
import tseslint from "typescript-eslint"

const bannedSyntax = [
  { selector: "ForStatement", message: "Use Array/Effect/Stream combinators instead of `for`." },
  { selector: "ForInStatement", message: "Use Record/Array combinators instead of `for…in`." },
  { selector: "ForOfStatement", message: "Use Array/Effect/Stream combinators instead of `for…of`." },
  { selector: "WhileStatement", message: "Use recursion, Effect.iterate/loop or a Stream instead of `while`." },
  { selector: "DoWhileStatement", message: "Use recursion, Effect.iterate/loop or a Stream instead of `do…while`." },
  { selector: "VariableDeclaration[kind='let']", message: "Use `const`; state lives in Ref or folds." },
  { selector: "VariableDeclaration[kind='var']", message: "Use `const`." },
  { selector: "ThrowStatement", message: "Fail in the Effect error channel with a tagged error." },
  { selector: "Literal[raw='null']", message: "Absence is Option; convert with Option.fromNullable." },
  { selector: "TSNullKeyword", message: "Absence is Option, not null." }
]

const mutableModules = ["MutableHashMap", "MutableHashSet", "MutableList", "MutableQueue", "MutableRef"]

const bannedImports = {
  paths: [
    {
      name: "effect",
      importNames: mutableModules,
      message: "Effect's Mutable* modules are banned; use Ref or immutable data."
    },
    ...mutableModules.map((m) => ({ name: `effect/${m}`, message: "Effect's Mutable* modules are banned." }))
  ]
}

const unsafeGetters = [
  "getOrThrow",
  "getOrThrowWith",
  "unsafeGet",
  "unsafeHead",
  "unsafeLast",
  "unsafeRunSync",
  "unsafeRunPromise",
  "unsafeGetHead"
]

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "infra/work/**", "data/**", "coverage/**"] },
  { linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "error" } },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error"
    }
  },
  {
    files: ["src/**/*.ts", "bin/**/*.js", "bin/**/*.ts"],
    rules: {
      "no-restricted-syntax": ["error", ...bannedSyntax],
      "no-restricted-imports": ["error", bannedImports],
      "no-restricted-properties": [
        "error",
        ...unsafeGetters.map((property) => ({ property, message: "Unsafe getter: handle absence/failure explicitly." }))
      ],
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/no-explicit-any": "error"
    }
  },
  {
    // Kernels (see their headers): small modules whose hot loops mutate the arrays they create, behind
    // pure signatures, each tested against a plain version. Only `for` and `let` are allowed there.
    files: ["src/**/kernel/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        ...bannedSyntax.filter((b) => b.selector !== "ForStatement" && b.selector !== "VariableDeclaration[kind='let']")
      ]
    }
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off", "@typescript-eslint/no-explicit-any": "off" }
  }
)

// `npm run build`, second step: bundle the CLI and the analyzer's worker thread into dist/bundle/ (ESM,
// code splitting), so that a process parses only the code it runs: bin/*.js import dist/bundle/peacestate.mjs
// (the command definitions; each command imports its implementation when it runs, into its own chunks),
// and src/analyzer/Analyzer.ts, when it runs from the bundle, starts dist/bundle/analyzer-worker.mjs.
// `node scripts/bundle.mjs --report` also prints what the entry points load before any command runs.
// Then the officers' web console (src/console/web/app.ts, a browser bundle) into dist/web/ (see buildWeb below);
// `node scripts/bundle.mjs --web-only [--web-outdir DIR]` builds only that.
import * as esbuild from "esbuild"
import { copyFileSync, mkdirSync, rmSync } from "node:fs"
import { resolve } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const outdir = `${root}dist/bundle`

// Run as a script (not imported for buildWeb), and not restricted to the web console.
const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)
const buildsNode = isMain && !process.argv.includes("--web-only")

if (buildsNode) rmSync(outdir, { recursive: true, force: true })

// Skipped (undefined) under --web-only.
const nodeBuild = (options) => (buildsNode ? esbuild.build(options) : Promise.resolve(undefined))

const result = await nodeBuild({
  absWorkingDir: root,
  entryPoints: { peacestate: "src/cli/Main.ts", "analyzer-worker": "src/analyzer/Worker.ts" },
  outdir,
  // Chunks stay next to the entries: the analyzer finds its worker with new URL("./analyzer-worker.mjs", import.meta.url).
  chunkNames: "chunk-[hash]",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // PGlite loads its WASM and data files next to its own module: it stays in node_modules, imported at run time.
  external: ["@electric-sql/pglite", "@electric-sql/pglite-socket"],
  target: "node20",
  // Minified, ~10 % less start-up than whitespace-only; NODE_OPTIONS=--enable-source-maps maps stack traces back.
  minify: true,
  sourcemap: true,
  // Bundled CommonJS packages (kafkajs, the AWS SDK) call require() for Node's built-in modules.
  banner: {
    js: 'import { createRequire as __peacestateCreateRequire } from "node:module"; const require = __peacestateCreateRequire(import.meta.url);'
  },
  metafile: true,
  logLevel: "warning"
})

// The static closure of an output file: what `import` loads before the first line of the entry runs.
const staticClosure = (outputs, file, seen = new Set()) =>
  seen.has(file)
    ? seen
    : (outputs[file]?.imports ?? [])
        .filter((i) => i.kind === "import-statement" && !i.external)
        .reduce((acc, i) => staticClosure(outputs, i.path, acc), seen.add(file))

if (result !== undefined && process.argv.includes("--report")) {
  const outputs = result.metafile.outputs
  const entries = Object.keys(outputs).filter((file) => /\/(peacestate|analyzer-worker)\.mjs$/.test(file))
  entries.forEach((entry) => {
    const files = [...staticClosure(outputs, entry)]
    const byPackage = files
      .flatMap((file) => Object.entries(outputs[file].inputs))
      .reduce((acc, [input, { bytesInOutput }]) => {
        const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split("/").slice(0, 2).join("/")
        return acc.set(name, (acc.get(name) ?? 0) + bytesInOutput)
      }, new Map())
    const total = [...byPackage.values()].reduce((a, b) => a + b, 0)
    console.log(`${entry}: ${files.length} files, ${Math.round(total / 1024)} KiB loaded at start`)
    console.log(
      [...byPackage]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([name, bytes]) => `  ${String(Math.round(bytes / 1024)).padStart(6)} KiB  ${name}`)
        .join("\n")
    )
  })
}

/**
 * The web console: src/console/web/app.ts bundled for browsers into `outdir`/app.js (ESM, one file, minified, with
 * its source map) and src/console/web/style.css copied to `outdir`/app.css; the server serves both under /assets/.
 */
export const buildWeb = async (webOutdir = `${root}dist/web`) => {
  rmSync(webOutdir, { recursive: true, force: true })
  mkdirSync(webOutdir, { recursive: true })
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ["src/console/web/app.ts"],
    outfile: `${webOutdir}/app.js`,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning"
  })
  copyFileSync(`${root}src/console/web/style.css`, `${webOutdir}/app.css`)
}

if (isMain) {
  const at = process.argv.indexOf("--web-outdir")
  await buildWeb(at === -1 ? undefined : resolve(process.argv[at + 1]))
}

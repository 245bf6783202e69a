// Preloaded with `--import` in a child process: records every module the process loads, one URL a line,
// in the file named by PEACESTATE_TRACE_FILE. ES modules through a resolve hook (trace-hooks.mjs),
// CommonJS ones from the require cache at exit (require() does not go through the ESM hooks on Node 20).
import { appendFileSync } from "node:fs"
import { createRequire, register } from "node:module"
import { pathToFileURL } from "node:url"

const file = process.env.PEACESTATE_TRACE_FILE
if (file === undefined) throw new Error("trace-loads.mjs: PEACESTATE_TRACE_FILE is not set")

register(new URL("./trace-hooks.mjs", import.meta.url))

const cache = createRequire(import.meta.url).cache
process.on("exit", () =>
  appendFileSync(
    file,
    Object.keys(cache)
      .map((path) => `${pathToFileURL(path).href}\n`)
      .join("")
  )
)

#!/usr/bin/env node
// V8's code cache for the bundle (Node ≥ 22.1): a warm start skips compiling ~2 MB of JavaScript (~0.15 s of
// every run, `npm run bench -- startup`). Kept under the OS temp folder and handed on (NODE_COMPILE_CACHE) to the
// analyzer's worker threads; NODE_DISABLE_COMPILE_CACHE=1 turns it off, and where the folder is not writable the
// call reports so and the CLI starts as before.
import * as Module from "node:module"

const cache = typeof Module.enableCompileCache === "function" ? Module.enableCompileCache() : undefined
if (cache?.directory !== undefined && process.env["NODE_COMPILE_CACHE"] === undefined) {
  process.env["NODE_COMPILE_CACHE"] = cache.directory
}
const { main } = await import("../dist/bundle/peacestate.mjs")
main()

// Module customization hooks (registered by trace-loads.mjs): append every resolved URL to PEACESTATE_TRACE_FILE.
import { appendFileSync } from "node:fs"

const file = process.env.PEACESTATE_TRACE_FILE

export const resolve = async (specifier, context, nextResolve) => {
  const resolved = await nextResolve(specifier, context)
  if (file !== undefined) appendFileSync(file, `${resolved.url}\n`)
  return resolved
}

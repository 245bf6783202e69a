// Development only: when peacestate runs from its TypeScript sources (tests, `node --import tsx`),
// worker threads do not inherit the tsx loader on Node 20, so this bootstrap registers it first.
import { register } from "tsx/esm/api"

register()
await import("./Worker.ts")

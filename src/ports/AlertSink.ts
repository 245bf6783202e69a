import { Context, type Effect } from "effect"
import type { Alert } from "../domain/Alert.js"
import type { LogError } from "./MessageLog.js"

/** Where alerts go: the alerts stream, a console, or both. Succeeds once every alert is delivered. */
export class AlertSink extends Context.Tag("peacestate/AlertSink")<
  AlertSink,
  { readonly publish: (alerts: ReadonlyArray<Alert>) => Effect.Effect<void, LogError> }
>() {}

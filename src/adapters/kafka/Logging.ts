import { Effect, Runtime } from "effect"
import { type logCreator, logLevel } from "kafkajs"

// Marks the error we hand kafkajs when our handler failed: that failure is `consume`'s, not kafkajs' to report.
export const HandlerFailed = "peacestate consumer handler failed"

// kafkajs INFO is chatty (every join, every stop): debug here.
const levels: Readonly<Partial<Record<logLevel, (message: string) => Effect.Effect<void>>>> = {
  [logLevel.ERROR]: Effect.logError,
  [logLevel.WARN]: Effect.logWarning,
  [logLevel.INFO]: Effect.logDebug
}

const kafkaLevel = (level: logLevel, namespace: string, message: string) => {
  // Connection logs every error response (topic exists, group rebalancing, coordinator loading) at ERROR, though
  // kafkajs retries them or the operation fails with them and that surfaces as a LogError: debug noise here.
  if (namespace === "Connection" || message.includes(HandlerFailed) || message.startsWith("Limiting retries"))
    return Effect.logDebug
  if (message.includes("is rebalancing")) return Effect.logInfo
  return levels[level] ?? Effect.logTrace
}

/** kafkajs logs through the Effect logger of the layer; only the message and error text, never the config. */
export const logCreatorOf =
  (runtime: Runtime.Runtime<never>): logCreator =>
  () =>
  ({ namespace, level, log }) => {
    const message = String(log.message)
    const error = log.error === undefined ? "" : `: ${String(log.error)}`
    Runtime.runFork(runtime)(kafkaLevel(level, namespace, message)(`kafkajs ${namespace}: ${message}${error}`))
  }

import { Data, Option } from "effect"

interface SdkFailure {
  readonly name?: unknown
  readonly code?: unknown
  readonly message?: unknown
  readonly $retryable?: unknown
  readonly $metadata?: { readonly httpStatusCode?: unknown }
}

const asFailure = (e: unknown): SdkFailure => (typeof e === "object" && !!e ? (e as SdkFailure) : {})

const statusOf = (e: unknown): Option.Option<number> => {
  const status = asFailure(e).$metadata?.httpStatusCode
  return typeof status === "number" ? Option.some(status) : Option.none()
}

const nameOf = (e: unknown): string => String(asFailure(e).name ?? "")

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN"
])
const transientNames = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ServiceUnavailable",
  "InternalError"
])

/** Worth another try: the network, 5xx, 408, 429 and throttling. Other 4xx (and credential problems) are final. */
export const isTransient = (e: unknown): boolean => {
  const failure = asFailure(e)
  return Option.match(statusOf(e), {
    onNone: () => networkCodes.has(String(failure.code ?? "")) || transientNames.has(nameOf(e)),
    onSome: (status) =>
      status >= 500 || status === 408 || status === 429 || transientNames.has(nameOf(e)) || !!failure.$retryable
  })
}

/**
 * A failed S3 request (the cause of a StoreError), compact: SDK errors carry the request (StringToSign,
 * access key id), which has no place in logs, so only their name, HTTP status, code and message are kept.
 */
export class S3RequestError extends Data.TaggedError("S3RequestError")<{
  readonly errorName: string
  readonly status: Option.Option<number>
  readonly code: Option.Option<string>
  readonly detail: string
  /** Worth another try (see isTransient). */
  readonly transient: boolean
}> {
  override get message(): string {
    const status = Option.match(this.status, { onNone: () => "", onSome: (s) => ` (HTTP ${s})` })
    const code = Option.match(this.code, { onNone: () => "", onSome: (c) => ` [${c}]` })
    return `${this.errorName || "Error"}${status}${code}: ${this.detail}`
  }
}

export const requestError = (e: unknown): S3RequestError => {
  const failure = asFailure(e)
  return new S3RequestError({
    errorName: nameOf(e),
    status: statusOf(e),
    code: typeof failure.code === "string" ? Option.some(failure.code) : Option.none(),
    detail: String(failure.message ?? e),
    transient: isTransient(e)
  })
}

/** A response without a field we need: final, not retried. */
export const malformedResponse = (detail: string): S3RequestError =>
  new S3RequestError({ errorName: "Error", status: Option.none(), code: Option.none(), detail, transient: false })

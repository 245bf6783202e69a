import { Data } from "effect"

/** A command-line mistake or an input that cannot be analyzed, shown as one line. */
export class AnalyzeCliError extends Data.TaggedError("AnalyzeCliError")<{ readonly message: string }> {}

import { Chunk, Effect, Stream } from "effect"

const write = (text: string): Effect.Effect<void> =>
  Effect.async<void>((resume) => {
    const ok = process.stdout.write(text)
    return ok ? resume(Effect.void) : void process.stdout.once("drain", () => resume(Effect.void))
  })

/** Write each string of the stream as a line on stdout, chunk by chunk, waiting when the pipe is full. */
export const writeLines = <E, R>(lines: Stream.Stream<string, E, R>): Effect.Effect<void, E, R> =>
  Stream.runForEachChunk(lines, (chunk) => (Chunk.isEmpty(chunk) ? Effect.void : write(Chunk.join(chunk, "\n") + "\n")))

/** Print one line on stdout. */
export const printLine = (line: string): Effect.Effect<void> => write(line + "\n")

/** A closed pipe (`| head`) ends the program quietly instead of crashing it. */
export const quietOnBrokenPipe: Effect.Effect<void> = Effect.sync(() => {
  process.stdout.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" ? process.exit(0) : undefined))
})

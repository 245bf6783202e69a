/**
 * stderr is for people on a terminal and for log collectors otherwise: readable lines when it is a TTY,
 * one JSON object per line (the shape of Effect's JSON logger) when it is not, never both in one run.
 */
export const isTerminal = (): boolean => process.stderr.isTTY === true

export type Level = "DEBUG" | "INFO" | "WARN" | "ERROR"

/** One stderr line in the format of this run. */
export const stderrLine = (level: Level, message: string): string =>
  isTerminal()
    ? `${message}\n`
    : `${JSON.stringify({ message, logLevel: level, timestamp: new Date().toISOString() })}\n`

/** Write one line to stderr in the format of this run (usable where no Effect runs: a timer, a signal). */
export const writeStderr = (level: Level, message: string): void =>
  void process.stderr.write(stderrLine(level, message))

// C0, DEL and C1 control characters, which a terminal would interpret (built from a string: no control character in a regex literal).
const Control = new RegExp("[\\u0000-\\u001f\\u007f-\\u009f]", "g")

/** Text from a report (a name, a word) made safe for a terminal: control characters shown as \uXXXX, never interpreted. */
export const printable = (s: string): string =>
  s.replace(Control, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)

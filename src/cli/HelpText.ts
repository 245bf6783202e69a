import { Array as Arr, Console, Effect } from "effect"
import { stderrLine } from "../terminal/Stderr.js"

const Ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g")

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export const useColour = (stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean =>
  stream.isTTY === true && (env["NO_COLOR"] ?? "") === ""

/**
 * Tidy what @effect/cli prints (help, option errors): the usage line names the whole command
 * (`$ peacestate analyze merge ...`, where @effect/cli prints `$ merge ...`), the generic "A user-defined
 * piece of text." under options we read as text and parse ourselves goes, and ANSI colours go when they
 * are not wanted.
 */
export const tidyHelp = (text: string, commandPath: ReadonlyArray<string>, colour: boolean): string => {
  const plain = colour ? text : text.replace(Ansi, "")
  const last = commandPath.at(-1) ?? "peacestate"
  return plain
    .replace(/^\$ (\S+)/gm, (line, first: string) =>
      first === last ? `$ ${commandPath.join(" ")}` : first === "peacestate" ? line : `$ peacestate ${first}`
    )
    .replace(/\n\n {2}A user-defined piece of text\.\n/g, "\n")
}

/** The command words at the start of the arguments (`peacestate analyze merge`), for the usage line. */
export const commandPathOf = (args: ReadonlyArray<string>, commands: ReadonlyArray<string>): ReadonlyArray<string> => [
  "peacestate",
  ...Arr.takeWhile(args, (a) => commands.includes(a))
]

const render = (args: ReadonlyArray<unknown>): string =>
  args.map((a) => (typeof a === "string" ? a : String(a))).join(" ")

/** Run `self` with a console whose output is tidied as `tidyHelp` says; on a stderr that is not a terminal, errors are JSON lines like every other line there. */
export const withTidyConsole = <A, E, R>(
  self: Effect.Effect<A, E, R>,
  commandPath: ReadonlyArray<string>
): Effect.Effect<A, E, R> =>
  Console.consoleWith((base) => {
    const out = useColour(process.stdout, process.env)
    const err = useColour(process.stderr, process.env)
    const console: Console.Console = {
      ...base,
      log: (...args) => Effect.sync(() => void process.stdout.write(`${tidyHelp(render(args), commandPath, out)}\n`)),
      error: (...args) =>
        Effect.sync(
          () => void process.stderr.write(stderrLine("ERROR", tidyHelp(render(args), commandPath, err).trimEnd()))
        )
    }
    return Effect.withConsole(self, console)
  })

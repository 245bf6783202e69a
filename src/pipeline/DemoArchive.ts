import { FileSystem, Path } from "@effect/platform"
import { Array as Arr, Data, Effect, Option } from "effect"
import { FileNamePattern, ReportsPrefix } from "../format/Layout.js"

/**
 * The demo starts its embedded archive afresh on every run (its in-memory stream starts empty), but it
 * may only ever delete what it can prove it wrote: a `reports/` folder holding its marker file and
 * nothing but the date/hour folders and Parquet files the archiver names. Anything else stops it.
 */
export const MarkerName = ".peacestate-demo"

export class DemoArchiveError extends Data.TaggedError("DemoArchiveError")<{ readonly message: string }> {}

const DateFolder = /^date=\d{4}-\d{2}-\d{2}$/
const HourFolder = /^date=\d{4}-\d{2}-\d{2}\/hour=\d{2}$/
const InHourFolder = /^date=\d{4}-\d{2}-\d{2}\/hour=\d{2}\/([^/]+)$/
const TempFile = /^\.tmp-[0-9a-f-]{36}$/

const isArchiveFile = (relative: string): boolean =>
  Option.exists(
    Option.flatMap(Option.fromNullable(InHourFolder.exec(relative)), (m) => Option.fromNullable(m[1])),
    (name) => FileNamePattern.test(name) || TempFile.test(name)
  )

/** Is this entry (relative to reports/, `/`-separated) something the demo writes, of this type? */
export const isDemoEntry = (relative: string, type: "File" | "Directory"): boolean =>
  type === "Directory"
    ? DateFolder.test(relative) || HourFolder.test(relative)
    : relative === MarkerName || isArchiveFile(relative)

const refuse = (reportsDir: string, why: string) =>
  new DemoArchiveError({
    message: `demo: ${reportsDir} ${why}; the demo deletes only an archive it wrote itself. Choose another --data-dir, or move that folder away yourself`
  })

/** Clear the previous demo archive under `dataDir` (only when it is provably the demo's) and mark the new one. */
export const claimDemoArchive = (dataDir: string) =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const reportsDir = path.join(dataDir, ReportsPrefix)
    const marker = path.join(reportsDir, MarkerName)
    const fail = (cause: { readonly message: string }) =>
      new DemoArchiveError({ message: `demo: cannot prepare ${reportsDir}: ${cause.message}` })
    if (yield* Effect.mapError(fs.exists(reportsDir), fail)) {
      if (!(yield* Effect.mapError(fs.exists(marker), fail))) {
        return yield* refuse(reportsDir, `exists and was not written by peacestate demo (no ${MarkerName} marker)`)
      }
      const entries = yield* Effect.mapError(fs.readDirectory(reportsDir, { recursive: true }), fail)
      const typed = yield* Effect.forEach(entries, (entry) =>
        Effect.map(Effect.mapError(fs.stat(path.join(reportsDir, entry)), fail), (info) => ({
          entry: entry.split(path.sep).join("/"),
          type: info.type
        }))
      )
      const foreign = Arr.findFirst(
        typed,
        (e) => !((e.type === "File" || e.type === "Directory") && isDemoEntry(e.entry, e.type))
      )
      if (Option.isSome(foreign)) {
        return yield* refuse(reportsDir, `holds ${foreign.value.entry}, which the demo did not write`)
      }
      yield* Effect.logInfo(
        `demo: replacing the previous demo archive in ${reportsDir} (${typed.filter((e) => e.type === "File").length - 1} files)`
      )
      yield* Effect.mapError(fs.remove(reportsDir, { recursive: true }), fail)
    }
    yield* Effect.mapError(fs.makeDirectory(reportsDir, { recursive: true }), fail)
    yield* Effect.mapError(
      fs.writeFileString(
        marker,
        `written by peacestate demo at ${new Date().toISOString()}; the next demo run replaces this folder\n`
      ),
      fail
    )
  })

import { Worker } from "@effect/platform"
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import { Array as Arr, Chunk, Config, Effect, Option, Order, Ref, Stream } from "effect"
import { createHash } from "node:crypto"
import * as os from "node:os"
import * as WT from "node:worker_threads"
import { partitionOfKey, ReportsPrefix } from "../format/Layout.js"
import { combine, empty, type Stats } from "../domain/Stats.js"
import { ObjectStore, type ObjectInfo } from "../ports/ObjectStore.js"
import { fnv1a } from "../domain/Fnv1a.js"
import { fmt, rate, withProgress } from "../terminal/Progress.js"
import { foldFiles } from "./FoldFiles.js"
import type { Split } from "./Partial.js"
import { AnalyzeError, FoldFiles } from "./Protocol.js"

export interface AnalyzeOptions {
  /** The archive root as given by the user (`s3://bucket/prefix` or a folder): workers open it themselves. */
  readonly root: string
  readonly threshold: number
  /** At most this many worker threads (fewer for small archives, where starting one costs more than it saves); 0 folds in this thread. */
  readonly workers: number
  /** Fold only files of shard `index` of `count` (deterministic by key). */
  readonly shard: Option.Option<{ readonly index: number; readonly count: number }>
  /** Only reports with a timestamp in [from, until) (epoch millis): date/hour folders are pruned, then rows filtered. */
  readonly from: Option.Option<number>
  readonly until: Option.Option<number>
  readonly progress: boolean
}

export const defaultWorkers = (): number =>
  Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length)

/** Start of the hour a key's folder names (epoch millis), when it follows the layout. */
export const hourOfKey = (key: string): Option.Option<number> =>
  Option.flatMap(partitionOfKey(key), ({ date, hour }) => {
    const ms = Date.parse(`${date}T${String(hour).padStart(2, "0")}:00:00Z`)
    return Number.isFinite(ms) ? Option.some(ms) : Option.none()
  })

const HourMs = 3_600_000

/** Prefixes to list: the whole archive, or one per day between from and until. */
const prefixesFor = (from: Option.Option<number>, until: Option.Option<number>): ReadonlyArray<string> =>
  Option.match(Option.all([from, until]), {
    onNone: () => [ReportsPrefix],
    onSome: ([a, b]) => {
      const days = Math.floor(b / 86_400_000) - Math.floor(a / 86_400_000) + 1
      return days > 0 && days <= 3660
        ? Arr.makeBy(
            days,
            (i) =>
              `${ReportsPrefix}date=${new Date(Math.floor(a / 86_400_000) * 86_400_000 + i * 86_400_000).toISOString().slice(0, 10)}/`
          )
        : [ReportsPrefix]
    }
  })

/** The archive files an analysis reads: Parquet files under reports/ in the interval's hours (before sharding), and those of the shard. */
export const selectFiles = Effect.fn("Analyzer.selectFiles")(function* (
  options: Pick<AnalyzeOptions, "shard" | "from" | "until">
) {
  const store = yield* ObjectStore
  const listed = yield* Stream.runCollect(
    Stream.flatMap(Stream.fromIterable(prefixesFor(options.from, options.until)), store.list, { concurrency: 4 })
  )
  const inRange = (key: string) =>
    Option.match(hourOfKey(key), {
      onNone: () => Option.isNone(options.from) && Option.isNone(options.until),
      onSome: (h) =>
        Option.getOrElse(
          Option.map(options.from, (f) => h + HourMs > f),
          () => true
        ) &&
        Option.getOrElse(
          Option.map(options.until, (u) => h < u),
          () => true
        )
    })
  const inShard = (key: string) =>
    Option.match(options.shard, { onNone: () => true, onSome: (s) => fnv1a(key) % s.count === s.index })
  const all = Arr.sort(
    Arr.filter(Chunk.toReadonlyArray(listed), (o: ObjectInfo) => o.key.endsWith(".parquet") && inRange(o.key)),
    Order.mapInput(Order.string, (o: ObjectInfo) => o.key)
  )
  return { all, selected: Arr.filter(all, (o) => inShard(o.key)) }
})

/** The identity of a file list: a hash of its keys and sizes, equal wherever the same archive is listed. */
export const filesHash = (files: ReadonlyArray<ObjectInfo>): string =>
  createHash("sha256")
    .update(files.map((f) => `${f.key}\t${f.size}\n`).join(""))
    .digest("hex")

// Spread files over requests so that every worker gets several (load balance) of about equal bytes.
const groupFiles = (files: ReadonlyArray<ObjectInfo>, workers: number): ReadonlyArray<ReadonlyArray<string>> => {
  const total = Arr.reduce(files, 0, (n, f) => n + f.size)
  const target = Math.max(1, Math.min(64 * 1024 * 1024, total / Math.max(1, workers * 8)))
  return Arr.reduce(files, Arr.empty<{ keys: ReadonlyArray<string>; bytes: number }>(), (groups, f) =>
    Option.match(Arr.last(groups), {
      onSome: (last) =>
        last.bytes + f.size <= target
          ? [...groups.slice(0, -1), { keys: [...last.keys, f.key], bytes: last.bytes + f.size }]
          : [...groups, { keys: [f.key], bytes: f.size }],
      onNone: () => [{ keys: [f.key], bytes: f.size }]
    })
  ).map((g) => g.keys)
}

// The worker thread's script: from the sources (tsx), a bootstrap that registers the loader; from the CLI's
// bundle (dist/bundle/*.mjs, scripts/bundle.mjs), the bundled worker next to this chunk (starts in ~0.3 s);
// from the tsc output (the library, dist/src/), its Worker.js (~1 s: it loads effect's and the SDK's modules).
const workerEntry = (): { readonly url: URL; readonly execArgv: ReadonlyArray<string> } =>
  import.meta.url.endsWith(".ts")
    ? { url: new URL("./WorkerDev.mjs", import.meta.url), execArgv: [] }
    : import.meta.url.endsWith(".mjs")
      ? { url: new URL("./analyzer-worker.mjs", import.meta.url), execArgv: [] }
      : { url: new URL("./Worker.js", import.meta.url), execArgv: [] }

// Starting the bundled worker thread costs ~0.3 s, about as much as folding ~10 MiB of archive (cold, ~35 MiB/s;
// `npm run bench -- startup`), so a worker must have ~3× that to do to pay off.
const MinBytesPerWorker = 32 * 1024 * 1024

/** Worker threads worth starting for this many bytes, at most `max`; 0 = fold in this thread. */
export const workersFor = (bytes: number, max: number, minBytesPerWorker: number = MinBytesPerWorker): number => {
  const useful = Math.min(max, minBytesPerWorker <= 0 ? max : Math.floor(bytes / minBytesPerWorker))
  return useful >= 2 || (useful === 1 && minBytesPerWorker <= 0) ? useful : 0
}

/** `ANALYZER_MIN_BYTES_PER_WORKER` overrides the size rule (0 = always use the requested workers); a bad value is an error, not ignored. */
const minBytesPerWorker = Config.withDefault(Config.integer("ANALYZER_MIN_BYTES_PER_WORKER"), MinBytesPerWorker).pipe(
  Config.validate({
    message: "ANALYZER_MIN_BYTES_PER_WORKER: expected an integer >= 0 (bytes)",
    validation: (n) => Number.isInteger(n) && n >= 0
  })
)

/** Run the analysis: list, fold every file in a pool of worker threads, combine. */
export const analyze = Effect.fn("Analyzer.analyze")(function* (options: AnalyzeOptions) {
  const listing = yield* selectFiles(options)
  const files = listing.selected
  const window = {
    from: Option.getOrElse(options.from, () => -Infinity),
    until: Option.getOrElse(options.until, () => Infinity)
  }
  const workers = workersFor(
    Arr.reduce(files, 0, (n, f) => n + f.size),
    options.workers,
    yield* minBytesPerWorker
  )
  const groups = groupFiles(files, Math.max(1, workers))
  const done = yield* Ref.make({ files: 0, rows: 0 })
  const total = files.length
  const record = (keys: number, s: Stats) =>
    Effect.as(
      Ref.update(done, (d) => ({ files: d.files + keys, rows: d.rows + s.reports })),
      s
    )

  const inThread = Effect.forEach(groups, (keys) =>
    Effect.flatMap(foldFiles(keys, options.threshold, window), (s) => record(keys.length, s))
  )

  const pooled = Effect.scoped(
    Effect.gen(function* () {
      const entry = workerEntry()
      const pool = yield* Worker.makePoolSerialized<FoldFiles>({
        size: Math.min(workers, Math.max(1, groups.length))
      }).pipe(Effect.provide(NodeWorker.layer(() => new WT.Worker(entry.url, { execArgv: [...entry.execArgv] }))))
      return yield* Effect.forEach(
        groups,
        (keys) =>
          pool
            .executeEffect(
              new FoldFiles({
                root: options.root,
                keys,
                threshold: options.threshold,
                from: Option.getOrUndefined(options.from),
                until: Option.getOrUndefined(options.until)
              })
            )
            .pipe(
              Effect.catchTags({
                WorkerError: (e) =>
                  Effect.fail(
                    new AnalyzeError({ key: keys[0] ?? options.root, reason: `worker failed: ${e.message}` })
                  ),
                ParseError: (e) =>
                  Effect.fail(
                    new AnalyzeError({ key: keys[0] ?? options.root, reason: `bad worker answer: ${e.message}` })
                  )
              }),
              Effect.flatMap((s) => record(keys.length, s as Stats))
            ),
        { concurrency: workers }
      )
    })
  )

  const started = Date.now()
  const parts = yield* withProgress(
    groups.length === 0 ? Effect.succeed(Arr.empty<Stats>()) : workers <= 0 ? inThread : pooled,
    (s) =>
      Effect.map(
        Ref.get(done),
        (d) => `analyzed ${fmt(d.files)}/${fmt(total)} files, ${fmt(d.rows)} reports (${rate(d.rows, s)})`
      ),
    { enabled: options.progress, quietEvery: "10 seconds" }
  )
  yield* Effect.logDebug(
    `analyzed ${total} files in ${Date.now() - started} ms with ${workers === 0 ? "this thread" : `${workers} worker threads`}`
  )
  const split: Split = {
    source: options.root,
    ...Option.match(options.from, { onNone: () => ({}), onSome: (ms) => ({ from: new Date(ms).toISOString() }) }),
    ...Option.match(options.until, { onNone: () => ({}), onSome: (ms) => ({ until: new Date(ms).toISOString() }) }),
    threshold: options.threshold,
    files: listing.all.length,
    filesHash: filesHash(listing.all)
  }
  return { stats: Arr.reduce(parts, empty(options.threshold), combine), files: total, split }
})

import { Config, Effect, Layer, Option, Ref, Schema } from "effect"
import type { PublishedAnalysis, PublishedUnreadable } from "../analyzer/Published.js"
import type { StoreError } from "../ports/ObjectStore.js"
import type { ChartError } from "../report/Svg.js"

// The console's view of published analyses (CONTRACT §9): the latest one under the archive's `analysis/`,
// as JSON and as the report page (read, decoded and drawn once per published key). The
// archive is `CONSOLE_ARCHIVE` (`console --archive ROOT`), else the archiver's S3 settings when `S3_BUCKET` is set.

export interface Latest {
  readonly key: string
  readonly analysis: PublishedAnalysis
  /** As stored (JSON-ready: null for an unbounded end of the interval). */
  readonly encoded: unknown
}

export type AnalysesError = StoreError | PublishedUnreadable | ChartError

export interface Analyses {
  /** Where analyses are read from, for messages; none when no archive is configured. */
  readonly root: Option.Option<string>
  readonly latest: Effect.Effect<Option.Option<Latest>, AnalysesError>
  /** The latest as an HTML page whose style sheet is at `styleHref`. */
  readonly page: Effect.Effect<Option.Option<string>, AnalysesError>
}

export const none: Analyses = { root: Option.none(), latest: Effect.succeedNone, page: Effect.succeedNone }

/** `CONSOLE_ARCHIVE`, else `s3://` (the S3_* settings) when `S3_BUCKET` is set. */
export const ArchiveConfig: Config.Config<Option.Option<string>> = Config.map(
  Config.all([Config.option(Config.string("CONSOLE_ARCHIVE")), Config.option(Config.string("S3_BUCKET"))]),
  ([archive, bucket]) => Option.orElse(archive, () => Option.as(bucket, "s3://"))
)

export const StylePath = "/assets/analysis.css"

const modules = Effect.promise(() =>
  Promise.all([import("../adapters/ArchiveRoot.js"), import("../analyzer/Published.js"), import("../report/Report.js")])
)

/** Analyses of the archive at `root`; the store is opened once, in the caller's scope. */
export const make = (root: string) =>
  Effect.gen(function* () {
    const [Roots, Published, Report] = yield* modules
    const parsed = Roots.parseRoot(root)
    const context = yield* Layer.build(Roots.storeLayer(parsed))
    // One LIST per request (a newly published analysis shows at once); the object is read, decoded and drawn
    // only when the latest key changes.
    const cache = yield* Ref.make(Option.none<Latest & { readonly html: Option.Option<string> }>())
    const read = (key: string) =>
      Effect.flatMap(Effect.provide(Published.readPublished(key), context), (found) =>
        Effect.transposeMapOption(found, (analysis) => {
          const fresh = {
            key,
            analysis,
            encoded: Schema.encodeSync(Published.PublishedAnalysis)(analysis),
            html: Option.none<string>()
          }
          return Effect.as(Ref.set(cache, Option.some(fresh)), fresh)
        })
      )
    const latest = Effect.gen(function* () {
      const key = yield* Effect.provide(Published.latestKey, context)
      const cached = yield* Ref.get(cache)
      return Option.isSome(key) && Option.isSome(cached) && cached.value.key === key.value
        ? cached
        : yield* Effect.transposeMapOption(key, read).pipe(Effect.map(Option.flatten))
    })
    const render = (l: Latest) =>
      Effect.tap(
        Report.renderReport(l.analysis, l.analysis, {
          style: { _tag: "Link", href: StylePath },
          back: Option.some("/")
        }),
        (html) =>
          Ref.update(
            cache,
            Option.map((c) => (c.key === l.key ? { ...c, html: Option.some(html) } : c))
          )
      )
    const page = Effect.flatMap(latest, (found) =>
      Option.match(found, {
        onNone: () => Effect.succeedNone,
        onSome: (l) =>
          Option.match(l.html, { onSome: (html) => Effect.succeedSome(html), onNone: () => Effect.asSome(render(l)) })
      })
    )
    return { root: Option.some(Roots.rootToString(parsed)), latest, page } satisfies Analyses
  })

/** From the configuration: `none` when no archive is set. */
export const fromConfig = Effect.flatMap(ArchiveConfig, (root) =>
  Option.match(root, { onNone: () => Effect.succeed(none), onSome: make })
)

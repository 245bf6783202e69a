/**
 * `peacestate/analyzer`: the parallel analyzer. Lists an archive through the `ObjectStore` port and
 * folds its files in a pool of worker threads (or in this thread for small archives). Loads
 * `@effect/platform-node` (worker threads); each worker opens the archive root it is given itself, a
 * folder or `s3://…`, so the workers load `@aws-sdk/client-s3` too. To fold an archive in this thread
 * without them, use `foldFiles` from `peacestate/archive`.
 */
export { analyze, defaultWorkers, hourOfKey, selectFiles, workersFor } from "../analyzer/Analyzer.js"
export type { AnalyzeOptions } from "../analyzer/Analyzer.js"
export { AnalyzeError, StatsSchema } from "../analyzer/Protocol.js"

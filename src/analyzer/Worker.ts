import { WorkerRunner } from "@effect/platform"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import { Duration, Effect, Layer, LayerMap } from "effect"
import { parseRoot, storeLayer } from "../adapters/ArchiveRoot.js"
import { foldFiles } from "./FoldFiles.js"
import { AnalyzeError, WorkerRequest } from "./Protocol.js"

// The analyzer's worker thread: folds the files it is sent and answers with partial Stats.
// One object-store client per archive root, built on first use and kept for the life of the worker (an
// S3 client is costly to build, and a worker folds many groups of files of the same root); the map's
// scope is the runner's, so every store is released when the worker ends.
const Runner = Layer.unwrapScoped(
  Effect.map(
    LayerMap.make((root: string) => storeLayer(parseRoot(root)), { idleTimeToLive: Duration.infinity }),
    (stores) =>
      WorkerRunner.layerSerialized(WorkerRequest, {
        FoldFiles: (req) =>
          foldFiles(req.keys, req.threshold, { from: req.from ?? -Infinity, until: req.until ?? Infinity }).pipe(
            Effect.provide(stores.get(req.root)),
            Effect.catchTags({
              ConfigError: (e: { readonly message: string }) =>
                Effect.fail(new AnalyzeError({ key: req.root, reason: e.message })),
              StoreError: (e: { readonly message: string }) =>
                Effect.fail(new AnalyzeError({ key: req.root, reason: e.message }))
            })
          )
      })
  )
).pipe(Layer.provide(NodeWorkerRunner.layer))

NodeRuntime.runMain(WorkerRunner.launch(Runner))

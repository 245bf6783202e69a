import { WorkerRunner } from "@effect/platform"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import { Effect, Layer, ManagedRuntime } from "effect"
import { parseRoot, storeLayer } from "../adapters/ArchiveRoot.js"
import { foldFiles } from "./FoldFiles.js"
import { AnalyzeError, WorkerRequest } from "./Protocol.js"

// One object-store client per archive root for the life of the worker (an S3 client is costly to
// build, and a worker folds many groups of files of the same root).
const stores = new Map<string, ManagedRuntime.ManagedRuntime<Layer.Layer.Success<ReturnType<typeof storeLayer>>, Layer.Layer.Error<ReturnType<typeof storeLayer>>>>()
const storeFor = (root: string) => {
  const known = stores.get(root)
  if (known !== undefined) return known
  const runtime = ManagedRuntime.make(storeLayer(parseRoot(root)))
  stores.set(root, runtime)
  return runtime
}

// The analyzer's worker thread: folds the files it is sent and answers with partial Stats.
const Runner = WorkerRunner.layerSerialized(WorkerRequest, {
  FoldFiles: (req) =>
    foldFiles(req.keys, req.threshold, { from: req.from ?? -Infinity, until: req.until ?? Infinity }).pipe(
      Effect.provide(storeFor(req.root)),
      Effect.catchTags({
        ConfigError: (e: { readonly message: string }) => Effect.fail(new AnalyzeError({ key: req.root, reason: e.message })),
        StoreError: (e: { readonly message: string }) => Effect.fail(new AnalyzeError({ key: req.root, reason: e.message }))
      })
    )
}).pipe(Layer.provide(NodeWorkerRunner.layer))

NodeRuntime.runMain(WorkerRunner.launch(Runner))

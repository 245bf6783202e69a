import { WorkerRunner } from "@effect/platform"
import { NodeRuntime, NodeWorkerRunner } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { parseRoot, storeLayer } from "../adapters/ArchiveRoot.js"
import { foldFiles } from "./FoldFiles.js"
import { AnalyzeError, WorkerRequest } from "./Protocol.js"

// The analyzer's worker thread: folds the files it is sent and answers with partial Stats.
const Runner = WorkerRunner.layerSerialized(WorkerRequest, {
  FoldFiles: (req) =>
    foldFiles(req.keys, req.threshold).pipe(
      Effect.provide(storeLayer(parseRoot(req.root))),
      Effect.catchTags({
        ConfigError: (e: { readonly message: string }) => Effect.fail(new AnalyzeError({ key: req.root, reason: e.message })),
        StoreError: (e: { readonly message: string }) => Effect.fail(new AnalyzeError({ key: req.root, reason: e.message }))
      })
    )
}).pipe(Layer.provide(NodeWorkerRunner.layer))

NodeRuntime.runMain(WorkerRunner.launch(Runner))

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  UploadPartCommand
} from "@aws-sdk/client-s3"
import { Array as Arr, Effect, Exit, Option } from "effect"
import { malformedResponse, type S3RequestError } from "./Failure.js"

/** One SDK call, retried while transient (the store's `call`, for one operation and key). */
export type Call = <A>(f: (signal: AbortSignal) => Promise<A>) => Effect.Effect<A, S3RequestError>

/** A body in parts of `partSize` bytes, `concurrency` at a time; a failed or interrupted upload is aborted. */
export const putMultipart = (
  client: S3Client,
  call: Call,
  target: { readonly Bucket: string; readonly Key: string },
  bytes: Uint8Array,
  partSize: number,
  concurrency: number
) =>
  Effect.acquireUseRelease(
    call((signal) => client.send(new CreateMultipartUploadCommand(target), { abortSignal: signal })).pipe(
      Effect.flatMap((created) =>
        Option.fromNullable(created.UploadId).pipe(
          Effect.mapError(() => malformedResponse("CreateMultipartUpload returned no UploadId"))
        )
      )
    ),
    (UploadId) =>
      Effect.forEach(
        Arr.makeBy(Math.ceil(bytes.length / partSize), (i) => i + 1),
        (PartNumber) =>
          call((signal) =>
            client.send(
              new UploadPartCommand({
                ...target,
                UploadId,
                PartNumber,
                Body: bytes.subarray((PartNumber - 1) * partSize, PartNumber * partSize)
              }),
              { abortSignal: signal }
            )
          ).pipe(
            Effect.flatMap((part) =>
              Option.fromNullable(part.ETag).pipe(
                Effect.mapError(() => malformedResponse(`UploadPart ${PartNumber} returned no ETag`))
              )
            ),
            Effect.map((ETag) => ({ ETag, PartNumber }))
          ),
        { concurrency }
      ).pipe(
        Effect.flatMap((Parts) =>
          call((signal) =>
            client.send(new CompleteMultipartUploadCommand({ ...target, UploadId, MultipartUpload: { Parts } }), {
              abortSignal: signal
            })
          )
        )
      ),
    // Best effort and bounded: a stray upload is invisible to readers and a lifecycle rule can expire it.
    (UploadId, exit) =>
      Exit.isSuccess(exit)
        ? Effect.void
        : Effect.tryPromise((signal) =>
            client.send(new AbortMultipartUploadCommand({ ...target, UploadId }), { abortSignal: signal })
          ).pipe(Effect.timeout("10 seconds"), Effect.ignore)
  )

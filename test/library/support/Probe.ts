// What importing one of the package's entry points does, seen from a fresh Node process: the names it
// exports and every module it loads (traced by trace-loads.mjs), reduced to the npm packages and the
// project's own source files.
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"

export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url))

const traceLoads = fileURLToPath(new URL("./trace-loads.mjs", import.meta.url))

/** The condition under which the package's exports resolve to its TypeScript sources (run with tsx). */
export const SourceCondition = "peacestate-source"

export interface PackageJson {
  readonly name: string
  readonly license: string
  readonly main: string
  readonly types: string
  readonly exports: Readonly<Record<string, string | Readonly<Record<string, string>>>>
  readonly dependencies: Readonly<Record<string, string>>
  readonly devDependencies: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
}

export const packageJson = (root: string = repoRoot): PackageJson =>
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson

/** `.` → `peacestate`, `./domain` → `peacestate/domain`. */
export const specifierOf = (subpath: string): string =>
  subpath === "." ? "peacestate" : `peacestate/${subpath.slice(2)}`

export interface ImportTrace {
  readonly exports: ReadonlyArray<string>
  /** npm packages loaded (directly or not), e.g. `effect`, `@aws-sdk/client-s3`, `@smithy/types`. */
  readonly packages: ReadonlyArray<string>
  /** The project's own files loaded, relative to the package root, e.g. `src/domain/Codec.ts`. */
  readonly ownFiles: ReadonlyArray<string>
  readonly stderr: string
}

/** The package a file under node_modules belongs to (the innermost node_modules folder). */
export const packageOfPath = (path: string): string | undefined => {
  const marker = `${sep}node_modules${sep}`
  const at = path.lastIndexOf(marker)
  if (at < 0) return undefined
  const [first = "", second = ""] = path.slice(at + marker.length).split(sep)
  return first.startsWith("@") ? `${first}/${second}` : first
}

export interface ProbeOptions {
  /** The package root the import resolves from (its package.json names `peacestate`). */
  readonly cwd?: string
  /** Resolve the exports to the TypeScript sources and load them with tsx (default), or use the built JavaScript. */
  readonly source?: boolean
}

export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Run `node args…` and collect its output (never rejects: a failure is in `code`). */
export const runNode = (
  args: ReadonlyArray<string>,
  options: { readonly cwd?: string; readonly env?: Record<string, string> } = {}
): Promise<RunResult> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [...args],
      {
        cwd: options.cwd ?? repoRoot,
        env: { ...process.env, ...options.env },
        encoding: "utf8",
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr })
    )
  })

/** Node flags that run the TypeScript sources: the exports resolve to src/ under SourceCondition, tsx compiles. */
export const sourceFlags = [`--conditions=${SourceCondition}`, "--import", "tsx"]

/** Import `specifier` in a fresh `node` and report what it exported and loaded. */
export const probeImport = async (specifier: string, options: ProbeOptions = {}): Promise<ImportTrace> => {
  const cwd = options.cwd ?? repoRoot
  const source = options.source ?? true
  const dir = await mkdtemp(join(tmpdir(), "peacestate-trace-"))
  const traceFile = join(dir, "trace.txt")
  try {
    const code = `const m = await import(${JSON.stringify(specifier)}); process.stdout.write(JSON.stringify(Object.keys(m).sort()))`
    const args = [...(source ? sourceFlags : []), "--import", traceLoads, "--input-type=module", "-e", code]
    const result = await runNode(args, { cwd, env: { PEACESTATE_TRACE_FILE: traceFile } })
    if (result.code !== 0) throw new Error(`importing ${specifier} failed (exit ${result.code}):\n${result.stderr}`)
    const paths = [...new Set((await readFile(traceFile, "utf8")).split("\n"))]
      .filter((u) => u.startsWith("file:"))
      .map((u) => fileURLToPath(u))
    const packages = [...new Set(paths.flatMap((p) => packageOfPath(p) ?? []))].sort()
    const ownFiles = [
      ...new Set(
        paths
          .filter((p) => packageOfPath(p) === undefined && p.startsWith(cwd))
          .map((p) => relative(cwd, p).split(sep).join("/"))
      )
    ].sort()
    return { exports: JSON.parse(result.stdout) as ReadonlyArray<string>, packages, ownFiles, stderr: result.stderr }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** The packages of `trace` that the project depends on directly (dependencies or peerDependencies). */
export const directDependencies = (trace: ImportTrace, pkg: PackageJson = packageJson()): ReadonlyArray<string> => {
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies ?? {})])
  return trace.packages.filter((p) => declared.has(p))
}

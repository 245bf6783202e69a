// Every name an entry module exports, types included, as the TypeScript checker sees it; the members of a
// namespace export (`export * as Stats from …`) as `Stats.combine` etc.
import { join } from "node:path"
import ts from "typescript"
import { repoRoot } from "./Probe.js"

export const typeLevelExports = (files: ReadonlyArray<string>): ReadonlyMap<string, ReadonlyArray<string>> => {
  const config = ts.readConfigFile(join(repoRoot, "tsconfig.json"), (p) => ts.sys.readFile(p))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, repoRoot)
  const paths = files.map((f) => join(repoRoot, f))
  const program = ts.createProgram(paths, { ...parsed.options, noEmit: true })
  const checker = program.getTypeChecker()
  return new Map(
    files.map((file, i) => {
      const source = program.getSourceFile(paths[i] ?? "")
      const symbol = source === undefined ? undefined : checker.getSymbolAtLocation(source)
      if (symbol === undefined) throw new Error(`${file}: not a module`)
      const names = checker.getExportsOfModule(symbol).flatMap((s) => {
        const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s
        const isNamespace =
          (target.flags & ts.SymbolFlags.ValueModule) !== 0 &&
          target.valueDeclaration !== undefined &&
          ts.isSourceFile(target.valueDeclaration)
        return isNamespace
          ? [s.name, ...checker.getExportsOfModule(target).map((m) => `${s.name}.${m.name}`)]
          : [s.name]
      })
      return [file, names.sort()]
    })
  )
}

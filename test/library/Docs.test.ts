// docs/LIBRARY.md says what each entry point exports (every name, types and namespace members included),
// its links resolve, the README links to it, and the LICENSE is the MIT license package.json declares.
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { describe, expect, it } from "vitest"
import { libraryDoc, readDoc } from "./support/LibraryDoc.js"
import { packageJson, repoRoot, SourceCondition, specifierOf } from "./support/Probe.js"
import { typeLevelExports } from "./support/TypeExports.js"

const pkg = packageJson()
const subpaths = Object.keys(pkg.exports).filter((s) => s !== "./package.json")
const sourceOf = (subpath: string): string => {
  const target = pkg.exports[subpath]
  return typeof target === "object" ? (target[SourceCondition] ?? "").slice(2) : ""
}
const doc = readDoc()

/** The text of the `## \`peacestate/x\`` section, up to the next `## ` heading. */
const sectionOf = (specifier: string): string | undefined => {
  const heading = `\n## \`${specifier}\`\n`
  const at = doc.indexOf(heading)
  if (at < 0) return undefined
  const rest = doc.slice(at + heading.length)
  const end = rest.search(/\n## /)
  return end < 0 ? rest : rest.slice(0, end)
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
/** `name` in backticks, alone or applied: `decodeReport`, `decodeReport(input)`, `Stats.empty(threshold?)`. */
const mentions = (text: string, name: string) => new RegExp("`" + escape(name) + "[`(<. ]").test(text)

describe("docs/LIBRARY.md", () => {
  const exported = typeLevelExports(subpaths.map(sourceOf))

  it("lists every entry point in its table", () => {
    subpaths.forEach((s) => expect(doc, specifierOf(s)).toContain(`\n| \`${specifierOf(s)}\` |`))
  })

  it.each(subpaths)(
    "%s: has a section naming everything it exports",
    (subpath) => {
      const section = sectionOf(specifierOf(subpath))
      expect(section, `no "## \`${specifierOf(subpath)}\`" section`).toBeDefined()
      if (subpath === ".") {
        // The light entry is the domain and the ports together, and says so.
        const union = [
          ...new Set([...(exported.get(sourceOf("./domain")) ?? []), ...(exported.get(sourceOf("./ports")) ?? [])])
        ].sort()
        expect(exported.get(sourceOf("."))).toEqual(union)
        expect(section).toContain("`peacestate/domain`")
        expect(section).toContain("`peacestate/ports`")
        return
      }
      const names = exported.get(sourceOf(subpath)) ?? []
      expect(names.length).toBeGreaterThan(0)
      expect(names.filter((n) => !mentions(section ?? "", n))).toEqual([])
    },
    120_000
  )

  it("has only links that resolve", () => {
    const links = [...doc.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1] ?? "")
      .filter((l) => !/^[a-z]+:/.test(l))
    expect(links.length).toBeGreaterThan(0)
    links.forEach((l) => expect(existsSync(join(dirname(libraryDoc), l)), l).toBe(true))
  })

  it("is linked from the README", () => {
    expect(
      readFileSync(join(repoRoot, "README.md"), "utf8").includes("](docs/LIBRARY.md)"),
      "README.md has a link to docs/LIBRARY.md"
    ).toBe(true)
  })
})

const MitBody = `Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions: The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY
KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A
PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR
ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.`

describe("LICENSE", () => {
  const words = (s: string) =>
    s
      .split(/\s+/)
      .filter((w) => w.length > 0)
      .join(" ")

  it("is the MIT license of the PeaceState contributors, as package.json declares", () => {
    expect(pkg.license).toBe("MIT")
    const text = readFileSync(join(repoRoot, "LICENSE"), "utf8")
    const [title, copyright, ...body] = text.split("\n").filter((l) => l.trim().length > 0)
    expect(title).toBe("MIT License")
    expect(copyright).toBe("Copyright (c) 2026 PeaceState contributors")
    expect(words(body.join(" "))).toBe(words(MitBody))
  })

  it("is in the published package", () => {
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: repoRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"]
      })
    ) as ReadonlyArray<{ readonly files: ReadonlyArray<{ readonly path: string }> }>
    expect(packed[0]?.files.map((f) => f.path)).toContain("LICENSE")
  }, 60_000)
})

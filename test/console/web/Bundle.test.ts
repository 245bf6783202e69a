// `node scripts/bundle.mjs --web-only` builds the browser bundle; the bundle never parses markup nor evaluates code
// (the page's CSP forbids eval, and every shown value is untrusted text).
import { describe, expect, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../..", import.meta.url))
const sources = join(root, "src/console/web")

const forbidden = [
  /\.innerHTML\b/,
  /\.outerHTML\b/,
  /insertAdjacentHTML/,
  /document\.write/,
  /\beval\(/,
  /new Function\(/,
  /setAttribute\("style"/,
  /\.on[a-z]+\s*=[^=]/,
  /setAttribute\(\s*["']on/
]

describe("the web console bundle", () => {
  it("builds dist/web/app.js (+ source map) and app.css alone, with --web-only", () => {
    const out = mkdtempSync(join(tmpdir(), "peacestate-web-"))
    try {
      execFileSync(process.execPath, ["scripts/bundle.mjs", "--web-only", "--web-outdir", out], {
        cwd: root,
        stdio: "pipe"
      })
      expect(readdirSync(out).sort()).toEqual(["app.css", "app.js", "app.js.map"])
      const js = readFileSync(join(out, "app.js"), "utf8")
      expect(js).toContain("/api/alerts/stream")
      expect(js).not.toMatch(/\bimport\s*[{("']/)
      forbidden.slice(0, 6).forEach((pattern) => expect(js).not.toMatch(pattern))
      expect(readFileSync(join(out, "app.css"), "utf8")).toBe(readFileSync(join(sources, "style.css"), "utf8"))
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  })

  it("the sources create DOM nodes and text only (no markup, no inline styles or handlers, no eval)", () => {
    readdirSync(sources)
      .filter((f) => f.endsWith(".ts"))
      .forEach((file) => {
        const text = readFileSync(join(sources, file), "utf8")
        forbidden.forEach((pattern) =>
          expect({ file, match: pattern.exec(text)?.[0] }).toEqual({ file, match: undefined })
        )
      })
  })
})

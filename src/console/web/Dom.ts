// Building the page from script: elements through document.createElement(NS), attributes through setAttribute,
// and text only through textContent. No markup is ever parsed: every value shown comes from the API (citizen
// names, report fields, user names) and is untrusted, so "<img src=x onerror=…>" shows as those characters.

type Attributes = Readonly<Record<string, string | undefined>>

const setAll = <E extends Element>(node: E, attributes: Attributes, children: ReadonlyArray<Node>): E => {
  Object.entries(attributes).forEach(([name, value]) =>
    value === undefined ? undefined : node.setAttribute(name, value)
  )
  node.append(...children)
  return node
}

export const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: ReadonlyArray<Node> = []
): HTMLElementTagNameMap[K] => setAll(document.createElement(tag), attributes, children)

/** An element whose only content is this text. */
export const text = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes,
  content: string
): HTMLElementTagNameMap[K] => {
  const node = el(tag, attributes)
  node.textContent = content
  return node
}

const svgNs = "http://www.w3.org/2000/svg"

export const svg = <K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: ReadonlyArray<Node> = []
): SVGElementTagNameMap[K] => setAll(document.createElementNS(svgNs, tag), attributes, children)

export const svgText = <K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes,
  content: string
): SVGElementTagNameMap[K] => {
  const node = svg(tag, attributes)
  node.textContent = content
  return node
}

/** A labelled form control: the label wraps it, which names it for assistive technology. */
export const field = (caption: string, control: HTMLElement): HTMLLabelElement =>
  el("label", { class: "field" }, [text("span", {}, caption), control])

/** The alertId an event's target belongs to (a row, a circle), looking up from the target. */
export const alertIdAt = (target: unknown, selector: string): string | undefined => {
  const found = target instanceof Element ? target.closest(selector) : undefined
  return found instanceof Element ? (found.getAttribute("data-alert-id") ?? undefined) : undefined
}

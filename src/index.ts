/**
 * `peacestate`: PeaceState as a library, the light entry. The pure domain (schemas, codec, alert rule,
 * generator, statistics monoid) and the ports (message log, object store, alert sink). Needs `effect`
 * only: the adapters and components are behind their own subpaths (docs/LIBRARY.md).
 */
export * from "./exports/domain.js"
export * from "./exports/ports.js"

// The harness of the distributed and fault tests in one import: child processes, names, production,
// Kafka and the S3 archive read back (each in its own module).
export * from "./Children.js"
export * from "./Kafka.js"
export * from "./LatencyRelay.js"
export * from "./Members.js"
export * from "./Names.js"
export * from "./Production.js"
export * from "./S3Archive.js"
export * from "./Wait.js"

/** `peacestate/simulator`: the seeded generator as an Effect `Stream` of reports or of wire lines. Needs `effect` only. */
export { reportLines, reports } from "../simulator/Simulator.js"
export type { SimulationRun } from "../simulator/Simulator.js"

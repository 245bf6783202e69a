import { afterAll } from "@effect/vitest"
import * as PlatformaticLog from "../../src/adapters/PlatformaticLog.js"
import { deleteTopicsWithPrefix } from "../support/Kafka.js"
import { kafkaBrokers, skipReason } from "../support/Infra.js"
import { messageLogContract } from "./MessageLogContract.js"

const prefix = "contract.platformatic"
const skip = skipReason()

// Low group timeouts so joins and rebalances take a fraction of a second (the broker has
// group.initial.rebalance.delay.ms=0; its group.min.session.timeout.ms is 6 s).
const runPrefix = messageLogContract(
  "Kafka (@platformatic/kafka)",
  PlatformaticLog.layerWith(kafkaBrokers(), {
    clientId: "peacestate-contract-platformatic",
    sessionTimeout: 6_000,
    rebalanceTimeout: 5_000,
    heartbeatInterval: 300,
    retries: 3
  }),
  {
    skip,
    prefix,
    timeout: "60 seconds"
  }
)

// The topics of this suite are throw-away: delete them so repeated runs don't pile up partitions.
afterAll(async () => {
  if (skip === undefined) await deleteTopicsWithPrefix(runPrefix)
}, 60_000)

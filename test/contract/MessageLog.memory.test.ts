import * as InMemoryLog from "../../src/adapters/InMemoryLog.js"
import { messageLogContract } from "./MessageLogContract.js"

messageLogContract("in-memory", InMemoryLog.layer, { prefix: "contract.memory", timeout: "30 seconds" })

#!/usr/bin/env node
import { main } from "../dist/bundle/peacestate.mjs"

main(["archive"])

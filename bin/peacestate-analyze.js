#!/usr/bin/env node
import { main } from "../dist/src/cli/Main.js"

main(["analyze"])

// Runs the CLI from the sources (no build needed): node --import tsx test/support/cli.ts <args>
import { main } from "../../src/cli/Main.js"

main()

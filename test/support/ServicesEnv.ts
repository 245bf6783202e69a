// The services' environment in process.env, for the S3 adapter that reads the archive back (S3_* through
// Config, AWS_* through the SDK) and for the CLI children, which inherit it.
import { infraEnv } from "./Infra.js"

Object.assign(process.env, infraEnv())

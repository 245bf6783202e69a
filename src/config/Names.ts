import { Config } from "effect"

/** Topic and consumer-group names (CONTRACT §3), each overridable from the environment. */
export interface Names {
  readonly reportsTopic: string
  readonly alertsTopic: string
  readonly dlqTopic: string
  readonly alerterGroup: string
  readonly archiverGroup: string
  readonly consoleGroup: string
  readonly partitions: number
}

export const DefaultNames: Names = {
  reportsTopic: "peacewatcher.reports",
  alertsTopic: "peacewatcher.alerts",
  dlqTopic: "peacewatcher.reports.dlq",
  alerterGroup: "peacestate-alerter",
  archiverGroup: "peacestate-archiver",
  consoleGroup: "peacestate-console",
  partitions: 6
}

export const NamesConfig: Config.Config<Names> = Config.all({
  reportsTopic: Config.withDefault(Config.string("REPORTS_TOPIC"), DefaultNames.reportsTopic),
  alertsTopic: Config.withDefault(Config.string("ALERTS_TOPIC"), DefaultNames.alertsTopic),
  dlqTopic: Config.withDefault(Config.string("DLQ_TOPIC"), DefaultNames.dlqTopic),
  alerterGroup: Config.withDefault(Config.string("ALERTER_GROUP"), DefaultNames.alerterGroup),
  archiverGroup: Config.withDefault(Config.string("ARCHIVER_GROUP"), DefaultNames.archiverGroup),
  consoleGroup: Config.withDefault(Config.string("CONSOLE_GROUP"), DefaultNames.consoleGroup),
  partitions: Config.withDefault(Config.integer("TOPIC_PARTITIONS"), DefaultNames.partitions).pipe(
    Config.validate({
      message: "TOPIC_PARTITIONS: expected an integer in [1, 10000]",
      validation: (n) => Number.isInteger(n) && n >= 1 && n <= 10_000
    })
  )
})

/** Names as the settings `NamesConfig` reads, for `withSettings`. */
export const namesSettings = (names: Names): Readonly<Record<string, string>> => ({
  REPORTS_TOPIC: names.reportsTopic,
  ALERTS_TOPIC: names.alertsTopic,
  DLQ_TOPIC: names.dlqTopic,
  ALERTER_GROUP: names.alerterGroup,
  ARCHIVER_GROUP: names.archiverGroup,
  CONSOLE_GROUP: names.consoleGroup,
  TOPIC_PARTITIONS: String(names.partitions)
})

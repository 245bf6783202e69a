/**
 * Distributed-mode benchmarks on the real Kafka and S3 (`npm run infra:up`, then `eval "$(bash infra/infra.sh env)"`),
 * each contender side by side with a plain kafkajs baseline in the same run, interleaved (ratios and medians matter;
 * absolute numbers on a shared 2-core machine don't):
 *  1. alerter throughput: `AlerterLive` (KafkaLog, stream sink) vs a raw kafkajs consumer that only parses and checks
 *  2. alert latency at a sustained rate: report sent → alert published (its CreateTime) / → received downstream
 *  3. `simulate --to kafka` (the CLI command, in process) vs a raw kafkajs producer of the same, pre-generated messages
 *  4. archiver to S3 (the CLI `archive` command as child processes), one vs two instances
 *
 *   node --import tsx bench/kafka.ts [quick] [src] [1 2 3 4]
 *     quick: ≈ 1½ min instead of ≈ 5; src: measure src/ through tsx instead of the build; digits: only those sections
 *   env (experiments): BENCH_DEBUG=1 prints, per latency contender, kafkajs fetch/batch/request timings and its CPU;
 *     BENCH_LATENCY_SECONDS=N; BENCH_LATENCY_EXTRA='[{"label":"…","tuning":{"maxWaitTimeInMs":10}},{"label":"…","root":"../other-build/src"}]'
 *     adds alerter contenders with another KafkaLog tuning or another build to section 2.
 *
 * Every run uses fresh topics and groups named bench.kafka.<run>.*, deleted at the end (and its S3 prefixes).
 * Each section is its own module in bench/kafka/ (throughput, latency, simulate, archive); setup.ts holds what they share.
 */
import { cpus, loadavg } from "node:os"
import { archive } from "./kafka/archive.js"
import { brokers, fmt } from "./kafka/common.js"
import { latency } from "./kafka/latency.js"
import { admin, out, P, preProduce, quick, run, runs, s3, secs, useSrc } from "./kafka/setup.js"
import { simulate } from "./kafka/simulate.js"
import { throughput } from "./kafka/throughput.js"

// ---------------------------------------------------------------------------------------------------------------
const cpu = cpus()
out(
  `kafka benchmark (${quick ? "quick" : "full"}): ${cpu.length} cores (${cpu[0]?.model.trim() ?? "?"}), node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`
)
out(
  `command: node --import tsx bench/kafka.ts${process.argv.length > 2 ? " " + process.argv.slice(2).join(" ") : ""}   (brokers ${brokers.join(",")}, S3 ${s3?.endpoint ?? "none"}, run ${run})`
)
out(
  `our code: ${useSrc ? "src/ through tsx (esbuild keepNames: hot paths ~2× slower than the build)" : "dist/ from `npm run build`, as bin/peacestate.js runs it"}; other processes share the broker and the cores: compare the ratios of each interleaved pair, not absolute numbers.`
)
const sharedTopic = `${run}.reports`
const needShared = runs(1) || runs(4)
if (needShared) {
  const t = performance.now()
  await preProduce(sharedTopic, P.throughputReports, 0.01, P.sharedDrones)
  out(
    `\nsetup: ${fmt(P.throughputReports)} reports (${P.sharedDrones} drones, alert ratio 0.01) pre-produced into ${sharedTopic} (${P.partitions} partitions) in ${secs(performance.now() - t)}`
  )
}

if (runs(1)) await throughput(sharedTopic)
if (runs(2)) await latency()
if (runs(3)) await simulate()
if (runs(4)) await archive(sharedTopic)

// ---------------------------------------------------------------------------------------------------------------
const mine = (await admin.listTopics()).filter((t) => t.startsWith(`${run}.`))
if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined)
const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${run}.`))
if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined)
await admin.disconnect()
process.exit(0)

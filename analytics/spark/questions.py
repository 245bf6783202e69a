"""CONTRACT §5 over an archive with Spark SQL: prints ONE JSON line shaped like `peacestate analyze --json`.

    python analytics/spark/questions.py ROOT [--threshold T] [--master local[2]]
    bash infra/spark.sh questions ROOT [--threshold T]        (the same, with the cached venv's python)

ROOT is the archive root (the folder holding reports/). The questions are the .sql files beside this script, run
in order: 00-views.sql defines the views `reports` (Parquet under ROOT/reports, Hive partitions discovered) and
`alerts`, then one file per question. This script only fills in ${root} and ${threshold}, runs each statement
with spark.sql() and puts the rows into the analyzer's JSON (same keys, same order, numbers printed the way
JavaScript prints them). Ties are broken in the SQL (ORDER BY); Spark compares strings by their UTF-8 bytes and
the analyzer by UTF-16 code units, which agree for every name and word the simulator makes (ASCII) and differ only
between characters above U+FFFF and those in U+E000..U+FFFF.

stderr gets Spark's warnings and one line naming the types Spark inferred for the partition columns.
Exit 0 with the answers; 2 when ROOT is not an archive or an argument is bad; 1 when Spark fails.
"""

import argparse
import decimal
import json
import math
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUESTIONS = [
    "totals",
    "weekday-vs-weekend",
    "alerts-by-hour",
    "top-alert-words",
    "hotspots",
    "repeat-offenders",
]


def fail(message, code=2):
    print(f"spark questions: {message}", file=sys.stderr)
    sys.exit(code)


def threshold_arg(text):
    try:
        value = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer between 0 and 100, got {text!r}")
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected an integer between 0 and 100, got {text!r}")
    return value


def js_number(x):
    """A number as JSON.stringify writes it (ECMAScript Number::toString): 48.83, 3, 0.00005, 1e-7, 1e+21."""
    if isinstance(x, bool):
        raise TypeError("a boolean is not a number here")
    if isinstance(x, int):
        return str(x)
    if math.isnan(x) or math.isinf(x):
        return "null"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    # repr() is the shortest text that reads back as the same double, as in JavaScript; only the layout differs.
    t = decimal.Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, t.digits)).rstrip("0")
    exponent = t.exponent + (len(t.digits) - len(digits))
    k = len(digits)
    n = exponent + k  # value = 0.<digits> × 10^n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
    return sign + text


def to_json(value):
    """Compact JSON in insertion order, numbers as JavaScript writes them."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return js_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{to_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(to_json(v) for v in value) + "]"
    raise TypeError(f"not JSON: {value!r}")


def statements(name, root, threshold):
    """The statements of one .sql file, comments dropped, placeholders filled in."""
    text = (HERE / f"{name}.sql").read_text(encoding="utf-8")
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    literal = root.replace("\\", "\\\\").replace("'", "\\'")
    code = code.replace("${root}", literal).replace("${threshold}", str(threshold))
    return [s.strip() for s in code.split(";") if s.strip()]


def answer(rows, threshold):
    """The rows of each question → the analyzer's answer object (src/domain/Stats.ts, toAnalysis)."""
    totals = rows["totals"][0]
    days = {r["kind"]: r for r in rows["weekday-vs-weekend"]}
    hours = sorted(rows["alerts-by-hour"], key=lambda r: r["hour"])

    def day(kind):
        r = days[kind]
        return {"reports": r["reports"], "alerts": r["alerts"], "alertsPerReport": float(r["alerts_per_report"])}

    return {
        "reports": totals["reports"],
        "alerts": totals["alerts"],
        "threshold": threshold,
        "weekdayVsWeekend": {"weekday": day("weekday"), "weekend": day("weekend")},
        "alertsByHour": [r["alerts"] for r in hours],
        "reportsByHour": [r["reports"] for r in hours],
        "topAlertWords": [{"word": r["word"], "count": r["count"]} for r in rows["top-alert-words"]],
        "hotspots": [
            {"latitude": float(r["latitude"]), "longitude": float(r["longitude"]), "alerts": r["alerts"]}
            for r in rows["hotspots"]
        ],
        "repeatOffenders": [{"name": r["name"], "alerts": r["alerts"]} for r in rows["repeat-offenders"]],
    }


def zeros(threshold):
    empty = {"reports": 0, "alerts": 0, "alertsPerReport": 0}
    return {
        "reports": 0,
        "alerts": 0,
        "threshold": threshold,
        "weekdayVsWeekend": {"weekday": dict(empty), "weekend": dict(empty)},
        "alertsByHour": [0] * 24,
        "reportsByHour": [0] * 24,
        "topAlertWords": [],
        "hotspots": [],
        "repeatOffenders": [],
    }


def has_parquet(folder):
    # What Spark lists: no hidden (".") or underscore folders or files.
    for parent, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith((".", "_"))]
        if any(f.endswith(".parquet") and not f.startswith((".", "_")) for f in files):
            return True
    return False


def main():
    parser = argparse.ArgumentParser(description="CONTRACT §5 over an archive with Spark SQL, one JSON line.")
    parser.add_argument("root", help="the archive root: the folder holding reports/")
    parser.add_argument(
        "--threshold",
        type=threshold_arg,
        default=None,
        help="alert when peacescore < T (default: PEACESCORE_THRESHOLD, else 20)",
    )
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    args = parser.parse_args()
    threshold = args.threshold
    if threshold is None:
        env = os.environ.get("PEACESCORE_THRESHOLD", "").strip()
        try:
            threshold = threshold_arg(env) if env else 20
        except argparse.ArgumentTypeError as e:
            fail(f"PEACESCORE_THRESHOLD: {e}")

    root = Path(args.root.removeprefix("file://")).resolve()
    if not root.is_dir():
        fail(f"no archive at {root} (the folder does not exist)")
    if not (root / "reports").is_dir():
        fail(f"{root} is not an archive (it has no reports/ folder)")
    if not has_parquet(root / "reports"):
        print(f"spark questions: no Parquet file under {root}/reports/: the answers are zeros", file=sys.stderr)
        print(to_json(zeros(threshold)))
        return

    started = time.monotonic()
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master(args.master)
        .appName("peacestate-questions")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    up = time.monotonic()
    try:
        spark.sparkContext.setLogLevel("WARN")
        for s in statements("00-views", str(root), threshold):
            spark.sql(s)
        types = {f.name: f.dataType.simpleString() for f in spark.table("reports").schema.fields}
        print(
            "spark questions: partition columns inferred as "
            + ", ".join(f"{c} {types.get(c, 'missing')}" for c in ("date", "hour")),
            file=sys.stderr,
        )
        rows = {}
        for name in QUESTIONS:
            result = None
            for s in statements(name, str(root), threshold):
                result = spark.sql(s).collect()
            rows[name] = [r.asDict() for r in result or []]
        print(to_json(answer(rows, threshold)))
        print(
            f"spark questions: Spark up in {up - started:.1f} s, the questions in {time.monotonic() - up:.1f} s",
            file=sys.stderr,
        )
    finally:
        spark.stop()


if __name__ == "__main__":
    try:
        main()
    except SystemExit:
        raise
    except Exception as e:  # Spark's errors are long; the first lines say what went wrong.
        print(f"spark questions: Spark failed: {e}", file=sys.stderr)
        sys.exit(1)

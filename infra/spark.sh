#!/usr/bin/env bash
# PySpark for the Spark SQL over the archive (analytics/spark/), in a virtualenv OUTSIDE the clone.
#
#   bash infra/spark.sh install                 create the venv and pip-install pyspark (first time ≈ 450 MB);
#                                               idempotent, and quick when the pinned version is already there
#   bash infra/spark.sh status                  "pyspark X at VENV" and exit 0, or "not installed" and exit 3
#   bash infra/spark.sh path                    print the venv's folder
#   bash infra/spark.sh python ARGS...          run the venv's python (pyspark importable)
#   bash infra/spark.sh questions ROOT [THRESHOLD]
#                                               CONTRACT §5 over ROOT/reports with Spark SQL, local[2], one JSON line
#
# Where: PEACESTATE_SPARK_VENV, else ${PEACESTATE_CACHE:-$HOME/.cache/peacestate}/spark-venv, so the venv outlives
# a fresh clone (CI clones anew each run; the machine is kept). test/analyzer/Spark.test.ts asks `path`/`status`.
# Needs python3 (3.10+) with the venv module and Java 17+ (java on PATH or JAVA_HOME). The venv is complete only
# once the marker file is written, so an interrupted install is redone from scratch by the next `install`.
set -euo pipefail

PYSPARK_VERSION=4.3.0
INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(dirname "$INFRA_DIR")"
HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE="${PEACESTATE_CACHE:-$HOME/.cache/peacestate}"
VENV="${PEACESTATE_SPARK_VENV:-$CACHE/spark-venv}"
MARKER="$VENV/.peacestate-pyspark-$PYSPARK_VERSION"
PYTHON="${PYTHON:-python3}"

log() { printf '[spark] %s\n' "$*" >&2; }
die() { printf '[spark] ERROR: %s\n' "$*" >&2; exit 1; }

installed() { [[ -f "$MARKER" && -x "$VENV/bin/python" ]]; }

check_java() {
  local java=java v major
  [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]] && java="$JAVA_HOME/bin/java"
  command -v "$java" >/dev/null 2>&1 || die "Java 17+ is needed (java not found; apt-get install -y openjdk-17-jre-headless)"
  v="$("$java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  major="${v%%.*}"
  [[ "$major" =~ ^[0-9]+$ ]] && ((major >= 17)) || die "Java 17+ is needed (found: ${v:-unknown})"
}

install() {
  if installed; then
    log "pyspark $PYSPARK_VERSION already at $VENV"
    return 0
  fi
  command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found"
  check_java
  mkdir -p "$(dirname "$VENV")"
  # One installer at a time (two CI runs, or a developer beside CI).
  exec 9>"$VENV.lock"
  command -v flock >/dev/null 2>&1 && flock -w 1800 9
  if installed; then
    log "pyspark $PYSPARK_VERSION already at $VENV"
    return 0
  fi
  local t0=$SECONDS
  log "installing pyspark $PYSPARK_VERSION into $VENV (first time: ≈ 450 MB from PyPI) ..."
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "pyspark==$PYSPARK_VERSION" ||
    die "pip install pyspark==$PYSPARK_VERSION failed"
  "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" ||
    die "the venv's pyspark is not $PYSPARK_VERSION"
  touch "$MARKER"
  log "pyspark $PYSPARK_VERSION installed in $((SECONDS - t0)) s"
}

need_installed() { installed || die "pyspark $PYSPARK_VERSION is not installed at $VENV: run  bash infra/spark.sh install"; }

case "${1:-}" in
  install) install ;;
  status)
    if installed; then
      echo "pyspark $PYSPARK_VERSION at $VENV"
    else
      echo "pyspark $PYSPARK_VERSION not installed at $VENV (bash infra/spark.sh install)"
      exit 3
    fi
    ;;
  path) echo "$VENV" ;;
  python)
    shift
    need_installed
    exec "$VENV/bin/python" "$@"
    ;;
  questions)
    shift
    need_installed
    exec "$VENV/bin/python" "$ROOT_DIR/analytics/spark/questions.py" "$@"
    ;;
  *)
    sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac

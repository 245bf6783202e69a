-- The archive as Spark SQL sees it (CONTRACT §4), read unchanged: Parquet under <root>/reports/ with the Hive
-- partitions date=YYYY-MM-DD/hour=HH discovered from the folder names (Spark infers date → DATE, hour → INT).
-- Only *.parquet files are read, like the analyzer; hidden files (.tmp-… while a put is under way) never are.
-- Placeholders filled in by questions.py: ${root} (the archive root), ${threshold} (an integer 0..100).
-- Times: the session time zone must be UTC (questions.py sets spark.sql.session.timeZone=UTC).
CREATE OR REPLACE TEMPORARY VIEW reports
USING parquet
OPTIONS (path '${root}/reports', pathGlobFilter '*.parquet');

-- One row per alert: a (report, citizen) pair with peacescore < threshold (CONTRACT §2, §5).
CREATE OR REPLACE TEMPORARY VIEW alerts AS
SELECT r.report_id, r.`timestamp`, r.latitude, r.longitude, c.name AS citizen
FROM reports r
LATERAL VIEW explode(r.citizens) cs AS c
WHERE c.peacescore < ${threshold};

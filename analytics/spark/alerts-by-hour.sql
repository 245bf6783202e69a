-- alertsByHour (and reportsByHour beside it, as the analyzer prints): per hour of day 0..23 of the report's
-- timestamp in UTC (the timestamp column, not the hour= partition, though the two agree). Every hour present.
SELECT
  h.hour,
  coalesce(s.alerts, 0) AS alerts,
  coalesce(s.reports, 0) AS reports
FROM (SELECT explode(sequence(0, 23)) AS hour) h
LEFT JOIN (
  SELECT
    hour(`timestamp`) AS hour,
    count(*) AS reports,
    sum(size(filter(citizens, c -> c.peacescore < ${threshold}))) AS alerts
  FROM reports
  GROUP BY 1
) s ON s.hour = h.hour
ORDER BY h.hour;

-- weekdayVsWeekend: reports and alerts on Mon–Fri vs Sat–Sun (UTC), alertsPerReport = alerts / reports, 0 when
-- no reports. dayofweek: 1 = Sunday … 7 = Saturday, in the session time zone (UTC). Both rows always present.
SELECT
  k.kind,
  coalesce(s.reports, 0) AS reports,
  coalesce(s.alerts, 0) AS alerts,
  CASE WHEN coalesce(s.reports, 0) = 0 THEN 0D ELSE s.alerts / s.reports END AS alerts_per_report
FROM VALUES ('weekday'), ('weekend') AS k(kind)
LEFT JOIN (
  SELECT
    CASE WHEN dayofweek(`timestamp`) IN (1, 7) THEN 'weekend' ELSE 'weekday' END AS kind,
    count(*) AS reports,
    sum(size(filter(citizens, c -> c.peacescore < ${threshold}))) AS alerts
  FROM reports
  GROUP BY 1
) s ON s.kind = k.kind
ORDER BY k.kind;

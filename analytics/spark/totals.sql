-- reports, alerts: every report in the archive, and its (report, citizen) pairs with peacescore < threshold.
SELECT
  count(*) AS reports,
  coalesce(sum(size(filter(citizens, c -> c.peacescore < ${threshold}))), 0) AS alerts
FROM reports;

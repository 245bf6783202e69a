-- hotspots: alerts per grid cell (floor(latitude*100), floor(longitude*100)), reported as those integers / 100;
-- top 10 by alerts desc, then latitude asc, longitude asc. `latitude * 100` is a DOUBLE product, floor() gives a
-- BIGINT and `/` a DOUBLE quotient: the same IEEE-754 operations as the analyzer's Math.floor(lat * 100) / 100.
SELECT lat_cell / 100 AS latitude, lon_cell / 100 AS longitude, alerts
FROM (
  SELECT floor(latitude * 100) AS lat_cell, floor(longitude * 100) AS lon_cell, count(*) AS alerts
  FROM alerts
  GROUP BY 1, 2
)
ORDER BY alerts DESC, lat_cell ASC, lon_cell ASC
LIMIT 10;

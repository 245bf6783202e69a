-- repeatOffenders: alerts per citizen name; top 10 by alerts desc, then name asc.
SELECT citizen AS name, count(*) AS alerts
FROM alerts
GROUP BY citizen
ORDER BY alerts DESC, name ASC
LIMIT 10;

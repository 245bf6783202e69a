-- topAlertWords: every word occurrence in the reports holding at least one alert, counted;
-- top 10 by count desc, then word asc.
SELECT w.word, count(*) AS `count`
FROM reports r
LATERAL VIEW explode(r.words) w AS word
WHERE exists(r.citizens, c -> c.peacescore < ${threshold})
GROUP BY w.word
ORDER BY `count` DESC, w.word ASC
LIMIT 10;

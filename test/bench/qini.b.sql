-- label: SQL: Qini coefficient with window functions (sklift's definition)
WITH g AS (             -- one row per distinct uplift: a threshold of the curve
    SELECT uplift,
           count(*) FILTER (WHERE treated) AS nt, count(*) FILTER (WHERE treated AND retained) AS yt,
           count(*) FILTER (WHERE NOT treated) AS nc, count(*) FILTER (WHERE NOT treated AND retained) AS yc
    FROM qini_bench GROUP BY uplift
), c AS (               -- running totals from the highest uplift down
    SELECT sum(nt + nc) OVER w AS n, sum(nt) OVER w AS nt, sum(yt) OVER w AS yt,
           sum(nc) OVER w AS nc, sum(yc) OVER w AS yc
    FROM g WINDOW w AS (ORDER BY uplift DESC ROWS UNBOUNDED PRECEDING)
), q AS (
    SELECT n, yt - CASE WHEN nc > 0 THEN yc::float8 * nt / nc ELSE 0 END AS qini FROM c
), area AS (            -- trapezoids from (0, 0)
    SELECT sum((n - pn) * (qini + pq) / 2) AS a
    FROM (SELECT n, qini, coalesce(lag(n) OVER o, 0) AS pn, coalesce(lag(qini) OVER o, 0) AS pq
          FROM q WINDOW o AS (ORDER BY n)) t
), tot AS (             -- the perfect curve and the baseline from the four class counts
    SELECT sum(yt) AS A, sum(nt) - sum(yt) AS B, sum(yc) AS C, sum(nc) - sum(yc) AS D,
           sum(nt + nc) AS n, sum(yt) - sum(yc)::float8 * sum(nt) / sum(nc) AS last FROM g
)
SELECT (area.a - tot.n * tot.last / 2)
       / (tot.A * tot.A / 2.0 + (tot.B + tot.D) * tot.A + tot.C * (tot.A + tot.last) / 2 - tot.n * tot.last / 2)
FROM area, tot;

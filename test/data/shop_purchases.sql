-- test/data/shop_purchases.sql: the README's shop of guided step 9 (buyers
-- without a subscription), smaller: 1500 customers over 2025, each buying
-- at a steady rate until leaving after a purchase, as the BG/NBD model tells
-- it, with Gamma-Gamma-like spends.  Creates shop_uniform(bigint) and the
-- table shop_purchases_local (member_id, occurred_at, amount).
-- Used by test/pgtap/82_lifetime.sql and test/citus/setup.sql (\ir).
CREATE FUNCTION shop_uniform(bigint) RETURNS float8 IMMUTABLE LANGUAGE sql
RETURN (hashint8($1)::float8 + 2147483648.5) / 4294967296;
CREATE TABLE shop_purchases_local AS
WITH customers AS (
  SELECT c, 300 * shop_uniform(c * 100 + 1) AS first_day, -ln(shop_uniform(c * 100 + 2)) / 20 AS rate,
         0.4 * shop_uniform(c * 100 + 3) AS p_leave, 10 + 60 * shop_uniform(c * 100 + 4) AS mean_spend
  FROM generate_series(1, 1500) c),
gaps AS (
  SELECT c, k, mean_spend,
         first_day + sum(CASE WHEN k = 0 THEN 0 ELSE -ln(shop_uniform(c * 100 + 10 + k)) / rate END)
                       OVER (PARTITION BY c ORDER BY k) AS day,
         bool_and(k = 0 OR shop_uniform(c * 100 + 60 + k) >= p_leave) OVER (PARTITION BY c ORDER BY k) AS still_buying
  FROM customers, generate_series(0, 30) k)
SELECT c::bigint AS member_id,
       '2025-01-01 09:00+00'::timestamptz + make_interval(secs => round(day * 86400)) AS occurred_at,
       round((mean_spend * (0.5 + shop_uniform(c * 100 + 95 - k % 5)))::numeric, 2)::float8 AS amount
FROM gaps WHERE still_buying AND day < 365;

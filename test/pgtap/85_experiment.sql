-- Experiments: incentive_assign, incentive_ab(_cuped), planning, retention_uplift,
-- incentive_uplift_eval and the demo experiment.  Reference values from
-- test/reference/experiment_reference.py (statsmodels; numpy from the
-- published CUPED and scikit-uplift definitions); the 1000 experiment rows
-- below are the ones that script writes.
BEGIN;
SELECT plan(58);

CREATE FUNCTION pg_temp.close(a float8, b float8, tol float8 DEFAULT 1e-10) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= tol * greatest(1.0, abs(b)) $$;

-- ---------------------------------------------------------------- assignment
SELECT is(
  (SELECT array_agg(incentive_assign(k, 'coupon_2026q1', '{0.5,0.5}') ORDER BY o)
   FROM unnest('{1,2,42,-7,9007199254740993}'::bigint[]) WITH ORDINALITY AS u(k, o)),
  '{2,1,2,2,2}'::int[], 'bigint keys, two equal arms: the README test vectors');
SELECT is(
  (SELECT array_agg(incentive_assign(k, 'coupon_2026q1', '{0.2,0.3,0.5}') ORDER BY o)
   FROM unnest('{1,2,42,-7,9007199254740993}'::bigint[]) WITH ORDINALITY AS u(k, o)),
  '{3,2,3,3,3}'::int[], 'bigint keys, three arms 0.2/0.3/0.5: the README test vectors');
SELECT is(
  (SELECT array_agg(incentive_assign(k, 'coupon_2026q1', '{1,1,1}') ORDER BY o)
   FROM unnest(ARRAY['member-1', 'Zoë', '']) WITH ORDINALITY AS u(k, o)),
  '{1,2,3}'::int[], 'text keys are hashed as UTF-8: the README test vectors');

CREATE TEMP TABLE arms AS
SELECT g AS id, incentive_assign(g, 'uniformity', '{1,1,1,1}') AS a4,
       incentive_assign(g, 'exp_a', '{0.5,0.5}') AS a, incentive_assign(g, 'exp_b', '{0.5,0.5}') AS b,
       incentive_assign(g, 'exp_a', '{0.5,0.3,0.2}') AS a3,
       incentive_assign(g, 'exp_a', '{0.5,0,0.5}') AS a_zero
FROM generate_series(1, 1000000) g;
SELECT cmp_ok(
  (SELECT sum((c - 250000.0) ^ 2 / 250000.0)::float8 FROM (SELECT count(*) AS c FROM arms GROUP BY a4) s),
  '<', 16.27::float8, 'uniform over 1M members: chi-square (3 df) below its 0.999 quantile 16.27');
SELECT is((SELECT count(DISTINCT a4)::int FROM arms), 4, 'every arm is used');
SELECT cmp_ok(
  (SELECT abs(corr(a, b)) FROM arms), '<', 0.005::float8,
  'experiments with different names are independent: |corr| of their arms < 0.005 over 1M members');
SELECT is(
  (SELECT count(*)::int FROM arms WHERE a3 <> a AND NOT (a = 2 AND a3 = 3)), 0,
  'adding an arm by splitting the last one ([0.5,0.5] -> [0.5,0.3,0.2]) moves only arm-2 members to arm 3');
SELECT cmp_ok(
  (SELECT abs(avg((a3 = 3)::int) - 0.2)::float8 FROM arms), '<', 0.002::float8, 'the new arm holds its 20 %');
SELECT is((SELECT count(*)::int FROM arms WHERE a_zero = 2), 0, 'an arm of weight 0 is never chosen');
SELECT is(incentive_assign(5::bigint, 'x', '{0,0,3}'), 3, 'a single positive weight takes everyone');

-- ---------------------------------------------------------------- A/B against statsmodels
CREATE TEMP TABLE ab_cases(id int, yt int, nt int, yc int, nc int, conf float8,
  diff float8, wl float8, wu float8, nl float8, nu float8, lift float8, ll float8, lu float8, z float8, p float8);
INSERT INTO ab_cases VALUES
 (1, 420, 1000, 380, 1000, 0.95, 0.03999999999999998, -0.0029048606439483343, 0.0829048606439483,
  -0.002933400969236881, 0.08272594997503191, 0.10526315789473673, -0.007464169893081407, 0.23079349998664633,
  1.8257418583505527, 0.06788915486182917),
 (2, 55, 120, 40, 130, 0.9, 0.1506410256410256, 0.05048762083638236, 0.25079443044566885,
  0.049492392832812815, 0.24794273545996498, 0.48958333333333326, 0.13591540300163718, 0.9533659822563796,
  2.4515904205417045, 0.014222644800216235),
 (3, 7, 9, 1, 11, 0.99, 0.6868686868686869, 0.26583650365432726, 1.1079008700830464,
  0.12003755563484686, 0.8816135175885116, 7.555555555555555, -0.2966424087904447, 103.06872944716592,
  3.1193973345246886, 0.0018122140213038902),
 (4, 30000, 50000, 29500, 50000, 0.95, 0.010000000000000009, 0.0039152666357637434, 0.016084733364236273,
  0.003914959955295533, 0.016083994293778797, 0.016949152542372836, 0.006600944386128127, 0.027403743881190712,
  3.220950198069161, 0.0012776634808674653),
 -- the README FAQ's example: with thousands per arm but rates near 0, Wald
 -- and Newcombe differ in the third decimal
 (5, 2, 2000, 1, 2000, 0.95, 0.0005, -0.0011966712126271432, 0.002196671212627143,
  -0.0019374085005330172, 0.0031708608233832827, 1.0, -0.8185015875719758, 21.038760265113936,
  0.5775668974015598, 0.563556561254972);
CREATE TEMP TABLE ab_rows AS
SELECT c.id, true AS treated, g <= c.yt AS retained FROM ab_cases c, generate_series(1, c.nt) g
UNION ALL
SELECT c.id, false, g <= c.yc FROM ab_cases c, generate_series(1, c.nc) g;
CREATE TEMP TABLE ab_got AS
SELECT r.id, incentive_ab(r.treated, r.retained, c.conf) AS res
FROM ab_rows r JOIN ab_cases c USING (id) GROUP BY r.id;
SELECT ok(bool_and(pg_temp.close((g.res).difference, c.diff)), 'difference = statsmodels') FROM ab_got g JOIN ab_cases c USING (id);
SELECT ok(bool_and(pg_temp.close((g.res).wald_lower, c.wl) AND pg_temp.close((g.res).wald_upper, c.wu)),
  'Wald interval = confint_proportions_2indep(method=wald, compare=diff) to 1e-10') FROM ab_got g JOIN ab_cases c USING (id);
SELECT ok(bool_and(pg_temp.close((g.res).newcombe_lower, c.nl) AND pg_temp.close((g.res).newcombe_upper, c.nu)),
  'Newcombe interval = confint_proportions_2indep(method=newcomb, compare=diff) to 1e-10') FROM ab_got g JOIN ab_cases c USING (id);
SELECT ok(bool_and(pg_temp.close((g.res).relative_lift, c.lift) AND pg_temp.close((g.res).lift_lower, c.ll)
                   AND pg_temp.close((g.res).lift_upper, c.lu)),
  'relative lift and its interval = confint_proportions_2indep(method=log, compare=ratio) - 1 to 1e-10') FROM ab_got g JOIN ab_cases c USING (id);
SELECT ok(bool_and(pg_temp.close((g.res).z, c.z) AND pg_temp.close((g.res).p_value, c.p)),
  'z and p-value = proportions_ztest to 1e-10') FROM ab_got g JOIN ab_cases c USING (id);
SELECT ok(bool_and((g.res).n_treated = c.nt AND (g.res).n_control = c.nc AND (g.res).retained_treated = c.yt
                   AND (g.res).retained_control = c.yc AND (g.res).confidence = c.conf AND (g.res).n_skipped = 0),
  'counts and confidence') FROM ab_got g JOIN ab_cases c USING (id);
SELECT ok((SELECT bool_and((res).cuped_theta IS NULL AND (res).variance_reduction IS NULL) FROM ab_got),
  'no CUPED fields without a covariate');

-- NULLs, empty groups and rates of 0 or 1
SELECT is((SELECT incentive_ab(t, r) FROM (VALUES (true, true)) v(t, r) WHERE false), NULL, 'no rows: NULL');
SELECT is((SELECT (incentive_ab(t, r)).n_skipped FROM (VALUES (NULL::boolean, true), (true, NULL), (true, true), (false, false)) v(t, r)),
  2::bigint, 'rows with a NULL arm or outcome are skipped and counted');
SELECT ok((SELECT (x).difference IS NULL AND (x).newcombe_lower IS NULL AND (x).z IS NULL AND (x).rate_treated = 0.5
           FROM (SELECT incentive_ab(t, r) AS x FROM (VALUES (true, true), (true, false)) v(t, r)) s),
  'one arm only: rates of that arm, every comparison NULL');
SELECT ok((SELECT (x).wald_lower IS NULL AND (x).z IS NULL AND (x).lift_lower IS NULL AND (x).newcombe_lower IS NOT NULL
                  AND (x).difference = 0 AND (x).relative_lift = 0
           FROM (SELECT incentive_ab(t, r) AS x FROM (VALUES (true, true), (false, true)) v(t, r)) s),
  'both rates 1: Wald, z and the log-ratio interval are NULL (zero variance), Newcombe is computed');
SELECT ok((SELECT (x).relative_lift IS NULL AND (x).lift_upper IS NULL AND (x).difference = 0.5
           FROM (SELECT incentive_ab(t, r) AS x FROM (VALUES (true, true), (true, false), (false, false)) v(t, r)) s),
  'control rate 0: relative lift NULL');

-- ---------------------------------------------------------------- CUPED and uplift on 1000 rows
CREATE TEMP TABLE ex(id int, treated boolean, retained boolean, x float8, uplift float8);
COPY ex FROM stdin;
1	t	t	9.0	-0.2317
2	f	f	7.0	0.0462
3	t	t	11.0	0.0135
4	f	t	6.0	0.3384
5	t	t	10.0	0.1604
6	f	f	5.0	0.3656
7	f	t	3.0	0.3802
8	f	t	6.0	0.5512
9	t	t	4.0	0.4357
10	t	f	6.0	0.2362
11	t	f	10.0	0.0474
12	f	f	9.0	-0.0965
13	t	t	4.0	0.1221
14	t	t	5.0	0.3389
15	t	f	12.0	-0.1482
16	t	t	6.0	0.4829
17	t	f	9.0	0.0406
18	f	t	7.0	0.014
19	t	t	1.0	0.2953
20	f	f	5.0	0.2531
21	t	t	13.0	-0.2595
22	t	t	9.0	0.323
23	f	t	3.0	0.0321
24	t	t	11.0	0.3318
25	t	t	6.0	0.1765
26	t	f	13.0	-0.0567
27	f	t	5.0	0.3279
28	t	f	3.0	0.3804
29	t	f	10.0	-0.0359
30	f	f	8.0	0.1808
31	t	f	5.0	0.3207
32	f	f	7.0	0.1366
33	t	f	8.0	-0.052
34	t	t	8.0	0.3194
35	f	t	9.0	-0.352
36	t	t	4.0	0.5389
37	t	f	8.0	-0.0972
38	f	t	8.0	-0.0368
39	t	t	9.0	0.0032
40	t	t	6.0	0.2556
41	f	t	8.0	-0.1038
42	t	t	6.0	0.135
43	t	f	9.0	-0.045
44	f	t	8.0	0.0175
45	t	t	11.0	0.1444
46	t	t	10.0	0.1335
47	f	f	8.0	0.0414
48	t	f	9.0	0.1604
49	f	t	7.0	-0.0605
50	t	f	7.0	-0.166
51	t	f	11.0	0.2418
52	f	t	15.0	-0.25
53	f	t	13.0	0.2435
54	t	f	7.0	0.0912
55	f	t	11.0	0.1715
56	t	t	5.0	0.5138
57	f	f	5.0	0.4073
58	f	f	9.0	0.01
59	t	t	9.0	0.1959
60	t	t	6.0	0.423
61	f	t	7.0	-0.0167
62	t	t	7.0	0.1069
63	t	f	8.0	0.2811
64	t	t	5.0	0.1397
65	t	t	10.0	0.2103
66	t	t	6.0	0.3881
67	t	f	10.0	-0.2745
68	t	t	7.0	-0.2918
69	t	t	7.0	-0.1067
70	t	f	10.0	-0.0128
71	f	t	10.0	-0.0959
72	f	t	6.0	0.1648
73	t	f	8.0	0.1029
74	f	f	8.0	0.0698
75	t	t	5.0	0.4182
76	t	f	10.0	0.0072
77	t	t	5.0	0.1595
78	f	f	8.0	0.0857
79	f	t	11.0	0.0829
80	t	t	7.0	0.0656
81	t	f	14.0	-0.3448
82	t	f	4.0	0.393
83	t	t	10.0	-0.1928
84	f	f	6.0	0.6889
85	f	t	9.0	-0.0564
86	t	t	16.0	0.1322
87	f	t	13.0	0.0676
88	f	t	15.0	-0.1932
89	t	t	5.0	0.2463
90	t	t	10.0	-0.3705
91	t	f	8.0	0.2506
92	t	t	15.0	-0.1021
93	t	t	14.0	-0.0246
94	t	t	15.0	-0.0069
95	t	f	8.0	-0.0567
96	t	t	6.0	0.325
97	f	t	10.0	0.2011
98	f	f	7.0	-0.0071
99	f	f	5.0	0.311
100	f	t	8.0	0.0467
101	f	t	6.0	0.2159
102	f	f	5.0	0.5669
103	t	f	14.0	-0.0592
104	t	t	6.0	0.2698
105	f	f	9.0	0.0212
106	t	t	6.0	0.2892
107	t	f	3.0	0.2613
108	f	f	8.0	0.0055
109	t	t	11.0	-0.1551
110	t	t	8.0	-0.0807
111	f	f	4.0	0.3087
112	t	f	13.0	0.0183
113	f	t	11.0	-0.121
114	f	f	8.0	0.0195
115	f	t	10.0	0.4147
116	t	t	6.0	0.3286
117	f	f	9.0	-0.1038
118	t	t	13.0	-0.1567
119	t	t	6.0	0.0911
120	t	t	7.0	-0.0839
121	f	f	12.0	0.1142
122	t	f	10.0	-0.1455
123	t	t	6.0	0.2038
124	f	t	10.0	-0.2523
125	f	t	10.0	0.4889
126	f	t	7.0	-0.0245
127	f	t	7.0	0.0013
128	f	f	16.0	-0.0505
129	t	t	7.0	0.1562
130	f	f	4.0	0.1301
131	f	f	6.0	0.6661
132	t	t	8.0	-0.0009
133	f	t	5.0	0.1954
134	f	f	6.0	0.4933
135	f	t	8.0	0.0286
136	f	t	9.0	-0.1177
137	f	t	11.0	-0.1076
138	t	f	8.0	0.0431
139	f	f	5.0	0.3096
140	t	t	6.0	0.2447
141	t	t	6.0	0.2501
142	f	f	12.0	-0.0026
143	t	t	7.0	0.0812
144	f	t	6.0	0.2267
145	t	t	7.0	0.2107
146	t	t	4.0	0.2936
147	t	f	10.0	0.0818
148	f	f	11.0	0.1258
149	t	f	4.0	0.2061
150	f	f	12.0	0.0756
151	t	t	7.0	0.113
152	t	f	7.0	0.0034
153	f	t	14.0	-0.2184
154	t	t	12.0	-0.058
155	t	t	8.0	-0.0159
156	t	t	7.0	0.0194
157	t	t	9.0	-0.1202
158	t	t	11.0	0.2786
159	t	f	8.0	0.1729
160	t	t	10.0	-0.0704
161	t	t	5.0	0.3549
162	f	f	8.0	-0.1368
163	f	t	7.0	-0.1949
164	f	t	7.0	-0.008
165	t	f	7.0	-0.191
166	t	t	6.0	0.5671
167	f	f	9.0	-0.1118
168	f	t	7.0	0.1676
169	t	t	6.0	0.2116
170	f	t	11.0	0.1715
171	t	t	6.0	0.3473
172	f	f	5.0	0.036
173	f	f	14.0	0.113
174	f	t	5.0	0.0891
175	f	f	6.0	0.2093
176	t	t	8.0	-0.1686
177	f	f	8.0	-0.0641
178	t	t	4.0	-0.0337
179	f	f	8.0	0.2375
180	t	t	7.0	0.1913
181	f	f	2.0	0.2491
182	t	t	4.0	0.405
183	f	t	11.0	-0.1937
184	t	t	3.0	0.5726
185	t	t	15.0	-0.0583
186	f	t	7.0	-0.0856
187	f	t	8.0	-0.3363
188	t	t	4.0	0.1457
189	t	t	5.0	0.2332
190	t	t	7.0	0.0017
191	f	f	5.0	0.38
192	t	f	11.0	-0.3088
193	t	t	10.0	0.0362
194	t	f	8.0	-0.0256
195	t	t	9.0	0.0642
196	t	t	6.0	0.5543
197	f	t	13.0	0.0391
198	f	f	8.0	-0.0058
199	f	f	9.0	0.1982
200	f	f	2.0	0.1338
201	t	t	11.0	-0.0483
202	t	t	12.0	-0.1275
203	t	t	5.0	0.0096
204	f	t	13.0	-0.0404
205	t	t	12.0	-0.1352
206	t	t	7.0	0.2111
207	t	f	3.0	0.4037
208	t	t	7.0	-0.2243
209	t	t	11.0	-0.0077
210	t	t	13.0	-0.1412
211	t	f	10.0	-0.1042
212	f	t	4.0	0.2607
213	t	t	5.0	0.0959
214	f	f	5.0	0.2956
215	t	f	7.0	0.0512
216	t	t	4.0	0.3408
217	t	t	9.0	0.1314
218	t	f	12.0	-0.3178
219	t	t	13.0	-0.2837
220	f	f	13.0	-0.0978
221	f	f	7.0	-0.0927
222	f	f	6.0	0.3867
223	t	t	3.0	0.2614
224	t	t	5.0	0.012
225	f	t	10.0	-0.3524
226	f	t	8.0	-0.1383
227	t	f	4.0	0.2493
228	f	t	6.0	0.287
229	f	t	10.0	-0.1274
230	t	f	7.0	-0.0619
231	t	f	3.0	0.6006
232	f	f	8.0	-0.0349
233	f	t	3.0	0.28
234	t	t	8.0	0.0621
235	t	f	10.0	0.2118
236	t	f	7.0	-0.0217
237	f	f	5.0	0.1032
238	f	t	3.0	0.1514
239	t	t	8.0	-0.0645
240	f	f	12.0	0.0552
241	f	f	11.0	-0.1554
242	f	t	11.0	-0.0049
243	f	t	5.0	0.2583
244	f	f	5.0	0.1009
245	f	t	13.0	0.0376
246	f	t	9.0	-0.2649
247	t	f	10.0	-0.1743
248	f	t	8.0	0.0128
249	f	f	9.0	0.0549
250	t	f	10.0	-0.1023
251	t	f	11.0	-0.2098
252	t	t	11.0	0.0385
253	f	f	6.0	0.3071
254	t	t	5.0	0.2572
255	f	t	6.0	0.1052
256	f	f	7.0	-0.0613
257	t	t	11.0	-0.214
258	f	f	3.0	0.1351
259	t	f	8.0	-0.0549
260	t	f	7.0	-0.0069
261	f	f	2.0	0.1399
262	f	f	10.0	-0.0476
263	f	t	7.0	0.1177
264	t	t	7.0	0.1678
265	t	t	11.0	-0.2058
266	t	f	4.0	0.1759
267	t	t	14.0	-0.1682
268	t	f	9.0	-0.0513
269	t	t	10.0	0.0778
270	f	f	3.0	0.3947
271	f	t	10.0	-0.1761
272	f	t	8.0	-0.1047
273	t	f	6.0	0.3997
274	f	t	9.0	-0.0281
275	f	t	8.0	-0.046
276	f	t	6.0	0.2745
277	t	f	8.0	-0.1364
278	f	f	7.0	-0.01
279	t	f	9.0	0.1323
280	f	t	4.0	0.549
281	f	f	7.0	0.173
282	t	f	13.0	-0.1713
283	f	t	7.0	-0.0316
284	f	f	5.0	0.3405
285	f	t	6.0	0.3345
286	t	t	9.0	-0.0297
287	f	t	10.0	0.0222
288	f	t	8.0	-0.2402
289	f	t	5.0	0.4958
290	t	t	5.0	0.2279
291	t	t	11.0	0.0938
292	f	f	9.0	0.2622
293	f	t	6.0	0.3962
294	t	t	3.0	0.0601
295	f	f	9.0	0.0121
296	t	t	4.0	0.1395
297	t	t	5.0	0.3002
298	t	f	6.0	0.3449
299	t	f	12.0	-0.0771
300	f	f	5.0	0.4876
301	t	t	4.0	0.4992
302	t	f	9.0	-0.0555
303	f	t	7.0	-0.1398
304	f	t	9.0	-0.0864
305	f	t	10.0	-0.0322
306	t	f	7.0	-0.1614
307	t	f	12.0	-0.1936
308	t	f	13.0	0.275
309	f	t	6.0	0.3427
310	t	t	10.0	-0.3411
311	f	f	5.0	0.3696
312	f	t	7.0	0.2323
313	t	f	9.0	0.0223
314	t	f	6.0	-0.1044
315	t	t	14.0	-0.0456
316	t	t	11.0	0.4077
317	t	t	10.0	-0.1028
318	t	t	6.0	0.0025
319	f	f	3.0	0.1259
320	t	f	7.0	0.0122
321	f	f	6.0	0.0545
322	t	f	9.0	0.0035
323	t	t	11.0	0.0665
324	f	f	9.0	0.1111
325	t	t	6.0	0.252
326	f	f	8.0	-0.3499
327	t	t	10.0	-0.2071
328	t	f	8.0	-0.0869
329	t	t	13.0	-0.0178
330	t	t	3.0	0.5034
331	t	f	4.0	0.3224
332	t	t	4.0	0.2672
333	t	t	11.0	0.0745
334	t	t	5.0	-0.0411
335	f	f	6.0	0.3479
336	t	f	7.0	-0.2773
337	f	t	7.0	0.1865
338	f	t	8.0	-0.0401
339	f	t	11.0	0.0527
340	t	t	8.0	0.036
341	f	t	9.0	0.0724
342	f	t	11.0	0.0693
343	t	t	6.0	0.1307
344	t	f	8.0	0.2183
345	t	f	6.0	0.0403
346	t	t	11.0	-0.0756
347	f	f	6.0	0.0962
348	t	t	11.0	-0.013
349	f	t	13.0	-0.0981
350	t	t	10.0	-0.0201
351	t	t	9.0	-0.0361
352	t	f	12.0	-0.2186
353	t	t	10.0	-0.0398
354	t	f	8.0	0.1794
355	t	t	6.0	0.1033
356	t	t	7.0	0.0685
357	f	f	11.0	-0.1366
358	t	t	8.0	-0.1578
359	f	t	13.0	-0.2727
360	f	f	7.0	-0.0583
361	f	t	9.0	0.3279
362	f	t	9.0	-0.0624
363	t	t	10.0	-0.1088
364	f	f	4.0	0.0677
365	t	f	12.0	-0.3148
366	f	f	11.0	0.1099
367	t	t	6.0	0.2888
368	t	t	10.0	0.2118
369	f	f	8.0	0.0722
370	t	f	14.0	-0.2223
371	f	f	6.0	0.2879
372	f	t	6.0	0.162
373	f	f	5.0	0.4932
374	t	t	12.0	-0.157
375	t	f	7.0	-0.0019
376	t	f	10.0	0.1068
377	t	t	9.0	0.1496
378	f	f	8.0	-0.2168
379	t	f	8.0	-0.0856
380	f	f	7.0	0.1662
381	t	f	12.0	-0.0903
382	f	t	9.0	0.2157
383	t	f	9.0	-0.0516
384	t	t	8.0	0.0453
385	t	f	7.0	0.0262
386	f	t	7.0	0.0763
387	t	t	7.0	-0.0083
388	f	f	12.0	0.1136
389	f	t	5.0	0.4025
390	f	t	11.0	0.0278
391	f	f	8.0	0.0082
392	t	t	4.0	0.3805
393	f	f	5.0	0.4815
394	f	t	6.0	0.3957
395	t	t	9.0	-0.2009
396	f	t	13.0	-0.0662
397	t	f	10.0	0.0024
398	t	t	4.0	0.2912
399	f	f	7.0	0.3087
400	f	t	9.0	-0.1403
401	t	t	7.0	0.0888
402	t	t	6.0	0.36
403	t	t	2.0	0.3051
404	t	f	12.0	-0.2471
405	t	f	9.0	0.2494
406	f	t	13.0	-0.0828
407	f	t	7.0	-0.0092
408	t	t	11.0	0.0732
409	t	t	10.0	-0.0624
410	t	f	7.0	-0.1633
411	t	f	5.0	0.165
412	t	f	9.0	-0.315
413	t	f	7.0	0.0292
414	t	f	9.0	0.2497
415	f	t	10.0	-0.1279
416	f	t	12.0	-0.2103
417	t	t	7.0	0.1977
418	t	f	8.0	0.1613
419	f	f	6.0	0.1932
420	t	f	9.0	0.2195
421	f	t	11.0	0.0438
422	t	f	11.0	-0.2269
423	t	t	6.0	0.4848
424	t	t	9.0	-0.0034
425	t	t	4.0	0.0679
426	f	t	10.0	0.2001
427	t	t	12.0	-0.0909
428	t	f	8.0	0.23
429	f	t	6.0	0.3211
430	f	f	8.0	0.032
431	t	t	6.0	0.4369
432	t	t	5.0	0.5184
433	t	t	9.0	-0.1301
434	f	f	6.0	0.3704
435	t	t	4.0	0.3526
436	f	t	5.0	0.2724
437	f	t	10.0	0.1548
438	f	f	3.0	0.3874
439	f	f	7.0	0.0179
440	t	t	5.0	0.6721
441	f	t	11.0	-0.2916
442	f	f	10.0	0.0807
443	t	f	2.0	-0.0924
444	t	f	9.0	-0.1678
445	t	f	7.0	0.0069
446	t	t	5.0	0.4007
447	t	t	8.0	0.1344
448	f	f	8.0	0.0121
449	f	t	9.0	0.2265
450	f	t	8.0	-0.0482
451	t	t	10.0	-0.0151
452	t	f	13.0	-0.1728
453	t	f	11.0	-0.1212
454	t	t	6.0	0.2811
455	t	t	3.0	0.5842
456	t	t	11.0	0.2028
457	f	t	11.0	-0.3168
458	t	f	2.0	0.2322
459	t	f	8.0	-0.0995
460	t	f	2.0	0.0642
461	t	t	11.0	-0.1518
462	f	t	4.0	0.2386
463	t	f	9.0	-0.0959
464	f	f	6.0	0.5834
465	t	t	12.0	-0.081
466	f	f	8.0	-0.0615
467	f	t	13.0	-0.1197
468	t	t	11.0	-0.1063
469	f	f	7.0	0.1045
470	f	t	9.0	-0.1425
471	t	f	7.0	0.1578
472	t	f	12.0	0.0464
473	t	t	10.0	0.018
474	f	f	5.0	0.5768
475	t	f	9.0	-0.1692
476	f	f	9.0	0.1738
477	f	f	5.0	0.044
478	f	t	11.0	-0.1246
479	f	t	10.0	0.0069
480	t	f	7.0	-0.0105
481	t	t	8.0	0.0933
482	f	t	7.0	-0.1253
483	t	t	11.0	0.0147
484	t	t	12.0	-0.3715
485	f	f	5.0	0.216
486	f	f	6.0	0.3069
487	f	t	13.0	-0.3039
488	f	t	6.0	0.1489
489	t	t	9.0	-0.2204
490	t	f	7.0	0.1707
491	t	f	10.0	0.1205
492	f	f	11.0	0.0951
493	t	f	7.0	-0.2034
494	t	t	6.0	0.0945
495	t	f	7.0	0.1185
496	f	t	7.0	0.1361
497	t	f	8.0	-0.0651
498	t	t	10.0	-0.11
499	t	f	5.0	0.3348
500	f	t	11.0	0.0976
501	t	t	5.0	0.4198
502	f	t	4.0	0.3061
503	t	t	8.0	-0.0468
504	t	f	7.0	0.0234
505	f	f	8.0	-0.0782
506	f	f	9.0	-0.0023
507	t	t	8.0	-0.0359
508	f	t	12.0	0.1725
509	t	t	7.0	-0.0199
510	f	f	5.0	0.072
511	t	f	10.0	-0.1096
512	t	t	10.0	0.1211
513	f	t	11.0	0.0628
514	t	t	7.0	-0.2808
515	f	t	8.0	-0.1089
516	t	f	9.0	-0.1218
517	t	f	12.0	-0.1614
518	t	t	10.0	0.1766
519	t	t	4.0	0.452
520	f	f	7.0	0.0783
521	f	t	7.0	-0.2188
522	t	t	7.0	-0.066
523	t	f	13.0	-0.0499
524	f	t	8.0	0.117
525	t	t	6.0	0.1591
526	t	t	5.0	0.2484
527	f	f	11.0	-0.0662
528	f	f	3.0	0.2675
529	f	f	14.0	0.0472
530	f	f	5.0	0.1193
531	f	t	8.0	0.1529
532	t	t	12.0	-0.3208
533	t	t	10.0	0.1968
534	t	t	13.0	0.0844
535	t	f	8.0	0.2111
536	f	f	10.0	-0.0729
537	f	t	6.0	0.1208
538	t	t	8.0	0.108
539	t	f	9.0	0.1039
540	t	t	10.0	-0.0886
541	t	f	9.0	0.3346
542	t	f	8.0	-0.0178
543	t	t	5.0	0.309
544	t	t	2.0	0.2946
545	t	t	4.0	0.1527
546	f	f	11.0	-0.0609
547	t	f	13.0	0.0683
548	f	t	11.0	0.0866
549	f	f	5.0	0.2888
550	f	t	10.0	0.2255
551	f	t	5.0	-0.0105
552	f	f	6.0	0.1575
553	f	t	6.0	0.3761
554	t	f	9.0	0.0492
555	t	f	9.0	0.0169
556	f	t	2.0	0.3228
557	t	t	6.0	0.4198
558	f	f	8.0	0.0747
559	t	t	8.0	-0.1151
560	t	f	6.0	0.3086
561	f	t	8.0	-0.4864
562	f	f	6.0	0.433
563	t	t	4.0	0.3464
564	t	t	6.0	0.1332
565	f	t	10.0	0.0195
566	t	f	9.0	-0.222
567	t	t	5.0	0.3086
568	f	f	5.0	0.4254
569	f	t	12.0	-0.2781
570	t	f	8.0	-0.1623
571	f	f	6.0	0.3437
572	f	t	11.0	-0.2332
573	t	t	11.0	0.0153
574	t	f	12.0	-0.2724
575	t	t	11.0	0.0549
576	t	t	4.0	0.4234
577	t	t	10.0	0.0198
578	f	f	8.0	0.1181
579	t	t	8.0	0.3005
580	f	t	7.0	-0.0683
581	t	t	8.0	0.0832
582	f	f	9.0	0.1034
583	t	f	8.0	-0.0518
584	t	t	13.0	0.0094
585	f	f	10.0	-0.0147
586	f	t	11.0	0.1331
587	f	t	7.0	0.0637
588	f	t	10.0	0.0342
589	f	t	9.0	0.1195
590	f	t	7.0	-0.119
591	f	t	7.0	0.1255
592	f	f	7.0	0.0135
593	f	t	9.0	-0.0848
594	f	f	8.0	-0.0297
595	f	t	7.0	-0.2858
596	t	t	7.0	-0.0385
597	t	t	10.0	-0.0169
598	t	f	7.0	0.1844
599	f	f	10.0	-0.0529
600	f	t	13.0	-0.3119
601	t	t	5.0	0.4027
602	t	t	10.0	0.0341
603	f	f	8.0	0.0282
604	t	t	7.0	0.1111
605	f	t	9.0	0.0174
606	f	t	10.0	0.102
607	t	t	5.0	0.3834
608	t	t	15.0	-0.2601
609	f	f	6.0	0.4201
610	t	f	8.0	-0.2946
611	f	t	9.0	0.1967
612	t	t	11.0	-0.0549
613	f	t	11.0	-0.024
614	f	t	4.0	0.1734
615	f	t	6.0	0.3027
616	t	f	6.0	0.0542
617	t	t	9.0	-0.0003
618	t	t	8.0	-0.0587
619	f	t	8.0	-0.1196
620	t	t	13.0	-0.113
621	t	t	7.0	-0.1565
622	f	t	9.0	-0.1342
623	t	f	11.0	-0.0082
624	f	f	6.0	0.4534
625	t	f	4.0	0.5331
626	t	t	9.0	-0.236
627	f	f	7.0	0.1432
628	t	f	5.0	0.3229
629	f	f	6.0	0.1388
630	f	t	11.0	0.2034
631	t	t	9.0	0.0566
632	t	t	3.0	0.259
633	t	t	2.0	0.1763
634	t	t	6.0	0.3318
635	t	f	4.0	0.2999
636	f	f	9.0	-0.1431
637	t	t	3.0	0.3258
638	t	t	10.0	-0.0345
639	f	t	16.0	-0.0009
640	f	t	16.0	-0.0807
641	t	f	8.0	-0.0417
642	f	f	9.0	0.1896
643	t	f	10.0	0.0463
644	t	f	9.0	-0.4168
645	f	t	8.0	0.0374
646	f	f	4.0	0.0923
647	f	t	12.0	0.0033
648	f	t	15.0	-0.0399
649	f	f	9.0	0.1366
650	f	f	8.0	0.0831
651	f	f	5.0	0.3954
652	t	f	7.0	-0.0989
653	t	t	10.0	0.1259
654	f	f	10.0	0.0534
655	f	t	10.0	0.027
656	f	t	6.0	0.2486
657	t	t	6.0	0.2498
658	f	f	8.0	0.0256
659	t	f	7.0	0.1273
660	f	t	5.0	0.6041
661	f	t	10.0	0.1435
662	f	f	6.0	0.4938
663	t	t	9.0	0.2086
664	f	t	6.0	0.6417
665	f	t	12.0	-0.1053
666	t	t	6.0	0.2217
667	f	f	4.0	0.4299
668	f	f	8.0	-0.0989
669	t	t	4.0	-0.0894
670	f	t	5.0	0.2498
671	t	f	5.0	0.447
672	f	f	4.0	0.254
673	f	f	7.0	-0.132
674	t	f	10.0	0.1014
675	t	t	7.0	-0.3628
676	t	f	8.0	0.1023
677	t	f	7.0	-0.2078
678	t	f	5.0	0.5051
679	f	f	7.0	-0.2032
680	f	t	11.0	0.2092
681	t	t	8.0	0.1507
682	t	t	8.0	-0.2543
683	f	f	8.0	0.0703
684	f	f	7.0	-0.0258
685	f	t	9.0	-0.1385
686	f	f	9.0	0.0632
687	f	t	6.0	0.1662
688	f	t	5.0	0.5393
689	f	f	4.0	0.294
690	f	f	10.0	0.2126
691	f	t	9.0	0.0064
692	t	t	13.0	0.0437
693	f	t	8.0	-0.0963
694	t	t	6.0	0.2257
695	f	t	5.0	0.2991
696	f	f	8.0	-0.1513
697	t	t	2.0	0.2795
698	f	t	5.0	0.392
699	t	t	7.0	-0.1535
700	t	t	9.0	0.0182
701	t	f	9.0	0.0226
702	t	t	3.0	0.3271
703	t	t	8.0	0.189
704	f	t	12.0	0.054
705	t	f	9.0	0.261
706	f	f	2.0	0.34
707	f	t	4.0	0.2937
708	f	f	8.0	-0.0754
709	f	f	8.0	0.0454
710	t	f	9.0	0.0642
711	t	t	6.0	0.4076
712	f	t	7.0	0.0646
713	f	f	5.0	0.2832
714	f	t	7.0	-0.0606
715	f	t	9.0	-0.2798
716	t	t	11.0	0.019
717	t	f	8.0	0.0029
718	f	t	9.0	-0.1559
719	t	t	5.0	0.1642
720	t	t	5.0	0.339
721	t	f	9.0	-0.0658
722	t	t	2.0	0.4554
723	f	t	9.0	-0.2383
724	f	f	8.0	-0.0227
725	f	t	14.0	-0.3913
726	f	f	4.0	0.3143
727	f	t	6.0	0.1506
728	t	f	6.0	0.4995
729	t	f	8.0	-0.1264
730	t	f	6.0	0.4749
731	f	f	6.0	0.1435
732	t	f	8.0	0.2477
733	t	f	6.0	0.2576
734	f	t	11.0	-0.1208
735	f	f	9.0	-0.2298
736	f	f	5.0	0.3884
737	t	t	5.0	0.2663
738	f	f	7.0	0.1404
739	t	t	8.0	-0.1187
740	t	f	7.0	-0.2335
741	t	f	7.0	-0.1282
742	f	f	6.0	0.2177
743	t	t	11.0	0.1429
744	f	f	9.0	-0.3491
745	t	t	12.0	0.0579
746	t	f	10.0	0.0407
747	f	f	3.0	0.2123
748	t	t	5.0	0.5889
749	f	f	6.0	0.4973
750	f	t	9.0	-0.0306
751	f	t	9.0	0.1778
752	f	t	8.0	-0.037
753	f	f	10.0	0.0769
754	f	f	2.0	0.3868
755	f	f	5.0	0.1378
756	t	f	6.0	0.2611
757	t	t	10.0	-0.2165
758	f	t	8.0	-0.2473
759	f	t	7.0	-0.1466
760	f	t	7.0	-0.1511
761	f	f	5.0	0.1323
762	f	t	7.0	-0.2218
763	t	f	9.0	0.0076
764	f	f	11.0	0.1404
765	f	t	13.0	0.0349
766	f	f	6.0	0.1934
767	f	t	5.0	0.1621
768	f	f	5.0	0.2814
769	f	t	7.0	0.0883
770	t	t	8.0	-0.13
771	t	t	6.0	0.2609
772	t	f	14.0	-0.0802
773	f	t	8.0	0.0976
774	f	f	9.0	0.1351
775	t	t	13.0	-0.0452
776	t	t	6.0	0.4201
777	f	t	9.0	0.0096
778	f	t	8.0	0.2912
779	f	t	6.0	0.3651
780	t	t	8.0	0.0101
781	t	t	11.0	-0.1021
782	f	f	9.0	-0.1567
783	f	f	9.0	-0.1896
784	t	t	8.0	0.1074
785	t	t	8.0	-0.0427
786	f	t	3.0	0.2092
787	t	f	7.0	-0.1335
788	f	t	9.0	0.047
789	f	f	10.0	-0.0038
790	t	t	7.0	0.0415
791	t	f	15.0	0.1071
792	f	f	13.0	0.0482
793	f	f	4.0	0.2789
794	t	t	11.0	-0.1707
795	f	f	6.0	0.2593
796	t	t	7.0	0.0272
797	f	t	6.0	0.2924
798	f	t	6.0	0.3309
799	f	t	5.0	0.4845
800	t	t	6.0	0.3353
801	t	f	13.0	-0.058
802	t	t	4.0	0.0795
803	f	f	9.0	0.258
804	f	f	10.0	0.2055
805	t	t	5.0	0.3687
806	t	t	6.0	0.2717
807	t	f	8.0	0.1549
808	t	f	9.0	0.3284
809	t	t	10.0	0.3607
810	t	t	7.0	-0.0087
811	f	t	7.0	-0.0518
812	t	t	5.0	0.1383
813	t	t	6.0	0.2222
814	t	f	10.0	0.2689
815	f	f	9.0	0.2086
816	f	t	10.0	-0.1952
817	f	t	8.0	-0.1401
818	f	f	8.0	0.1867
819	t	f	8.0	-0.035
820	t	t	5.0	0.5221
821	f	f	9.0	0.0626
822	f	t	11.0	-0.0924
823	f	t	10.0	-0.0676
824	t	f	12.0	0.0077
825	f	t	13.0	-0.0323
826	f	t	2.0	0.3364
827	t	t	5.0	0.4632
828	f	f	4.0	0.4775
829	f	t	15.0	-0.1474
830	f	t	8.0	-0.2498
831	f	t	9.0	0.0404
832	t	t	11.0	-0.011
833	t	t	5.0	0.1764
834	t	t	6.0	0.3344
835	f	t	5.0	0.4333
836	t	f	12.0	-0.011
837	f	f	5.0	0.4192
838	f	t	9.0	0.0857
839	t	t	6.0	0.4886
840	f	f	8.0	0.0421
841	t	t	14.0	-0.0679
842	f	t	7.0	0.17
843	t	t	4.0	0.3527
844	t	t	6.0	0.4642
845	t	t	5.0	0.2579
846	f	t	13.0	0.0056
847	t	t	7.0	-0.0511
848	f	f	9.0	0.1091
849	t	f	6.0	0.0964
850	t	f	6.0	0.3968
851	f	f	4.0	0.2623
852	t	f	9.0	0.0719
853	f	t	10.0	-0.0507
854	t	t	13.0	-0.0236
855	t	f	9.0	-0.1715
856	f	f	10.0	0.043
857	f	t	9.0	-0.0944
858	f	f	7.0	0.0407
859	f	f	3.0	0.5221
860	f	t	7.0	-0.1788
861	f	f	5.0	0.024
862	t	t	17.0	0.0183
863	f	t	9.0	-0.0176
864	t	t	4.0	0.344
865	f	f	4.0	0.0717
866	t	t	9.0	-0.1331
867	f	t	7.0	0.0659
868	f	t	10.0	-0.2192
869	t	t	9.0	0.0734
870	f	f	7.0	-0.1574
871	t	f	10.0	0.2742
872	t	t	8.0	-0.2104
873	f	f	7.0	-0.1053
874	f	t	10.0	0.2705
875	t	t	9.0	0.0382
876	f	f	3.0	0.2777
877	f	t	8.0	0.0733
878	f	t	13.0	-0.1722
879	f	t	8.0	0.0576
880	t	f	11.0	0.1787
881	t	t	9.0	0.1667
882	f	t	10.0	-0.0014
883	f	f	8.0	-0.3152
884	t	t	6.0	0.1285
885	t	t	11.0	-0.1436
886	t	t	6.0	0.2123
887	t	f	9.0	0.0875
888	f	t	6.0	0.0421
889	f	f	13.0	-0.0805
890	f	f	5.0	0.3092
891	t	f	5.0	0.3248
892	t	f	7.0	-0.0827
893	f	t	3.0	0.3429
894	f	f	4.0	0.1514
895	t	t	9.0	-0.1337
896	f	t	9.0	-0.1462
897	f	f	6.0	0.1362
898	t	t	6.0	0.2326
899	t	t	11.0	0.0162
900	t	t	12.0	-0.335
901	t	t	6.0	0.6348
902	t	t	5.0	0.3703
903	t	t	9.0	-0.089
904	f	t	9.0	-0.2763
905	f	t	3.0	0.3214
906	t	f	11.0	-0.2221
907	t	t	9.0	-0.0821
908	f	t	9.0	-0.0555
909	f	f	8.0	-0.1889
910	t	f	7.0	-0.1261
911	t	t	9.0	-0.1976
912	f	t	8.0	0.0778
913	f	t	4.0	0.3994
914	f	f	8.0	-0.1378
915	t	f	7.0	-0.0471
916	t	t	6.0	0.28
917	f	f	3.0	0.7305
918	f	t	10.0	-0.1333
919	t	t	7.0	0.0316
920	f	f	5.0	0.2013
921	t	f	7.0	0.0856
922	f	f	7.0	0.0071
923	f	f	5.0	0.6365
924	t	t	14.0	-0.3128
925	f	f	9.0	0.0645
926	t	f	7.0	0.1636
927	t	t	8.0	-0.0759
928	t	t	13.0	-0.0486
929	t	f	8.0	-0.0135
930	t	t	9.0	0.1876
931	f	t	10.0	0.2041
932	t	f	3.0	0.3138
933	t	f	9.0	-0.0759
934	f	f	8.0	0.4053
935	t	f	11.0	-0.1758
936	t	t	4.0	0.3685
937	t	t	4.0	0.204
938	t	f	7.0	-0.1646
939	f	f	9.0	0.0432
940	f	t	8.0	0.2037
941	f	t	8.0	0.0268
942	f	t	7.0	-0.1911
943	t	t	8.0	0.1216
944	f	f	6.0	0.4504
945	f	f	4.0	0.327
946	f	f	6.0	0.4133
947	f	t	12.0	-0.1041
948	t	t	7.0	-0.255
949	f	f	9.0	-0.1492
950	t	t	6.0	0.1734
951	f	t	9.0	-0.1333
952	f	f	7.0	-0.0561
953	t	t	6.0	0.1809
954	t	t	7.0	0.0619
955	f	t	4.0	0.6722
956	f	t	11.0	-0.0757
957	f	t	9.0	-0.0546
958	f	t	5.0	0.492
959	f	t	9.0	-0.1769
960	f	f	12.0	0.0823
961	t	f	8.0	-0.0423
962	f	t	13.0	0.0216
963	f	f	8.0	-0.0667
964	f	t	5.0	0.3285
965	t	t	12.0	-0.2083
966	t	t	4.0	0.2508
967	t	f	13.0	-0.1434
968	f	t	5.0	0.1429
969	t	f	7.0	-0.0621
970	t	t	7.0	0.2385
971	f	t	6.0	0.2381
972	f	f	4.0	0.2718
973	t	t	10.0	-0.18
974	f	f	9.0	-0.1429
975	f	f	1.0	0.1869
976	t	t	9.0	-0.1019
977	t	t	9.0	-0.3852
978	t	t	9.0	-0.1916
979	t	t	9.0	0.2127
980	f	t	12.0	0.0552
981	t	f	8.0	-0.0549
982	f	t	12.0	-0.2046
983	f	t	8.0	-0.0333
984	f	t	10.0	0.1064
985	f	f	6.0	0.4488
986	f	t	6.0	0.2156
987	f	t	6.0	0.4138
988	f	t	7.0	0.0959
989	t	f	6.0	0.3381
990	f	f	6.0	0.3863
991	f	t	12.0	-0.1538
992	f	t	7.0	-0.1746
993	t	t	10.0	-0.0392
994	t	t	8.0	-0.1246
995	t	f	7.0	-0.0053
996	f	t	11.0	-0.0191
997	f	t	7.0	0.1573
998	t	f	9.0	-0.212
999	t	t	7.0	0.0715
1000	f	f	8.0	-0.1103
\.
SELECT ok(pg_temp.close((r).cuped_theta, 0.012690587928987003)
          AND pg_temp.close((r).cuped_difference, 0.07340810101960404)
          AND pg_temp.close((r).cuped_lower, 0.012590811670716018)
          AND pg_temp.close((r).cuped_upper, 0.13422539036849207)
          AND pg_temp.close((r).variance_reduction, 0.006707422205843749),
  'CUPED theta, estimate, interval and variance reduction = the numpy reference to 1e-10')
FROM (SELECT incentive_ab_cuped(treated, retained, x) AS r FROM ex) s;
SELECT ok(pg_temp.close((r).difference, (p).difference) AND pg_temp.close((r).p_value, (p).p_value),
  'incentive_ab_cuped carries the plain A/B fields too')
FROM (SELECT incentive_ab_cuped(treated, retained, x) AS r, incentive_ab(treated, retained) AS p FROM ex) s;
SELECT ok((SELECT (incentive_ab_cuped(treated, retained, 3.0)).cuped_theta IS NULL FROM ex),
  'a constant covariate: CUPED fields NULL');
-- theta exactly 0 (a state whose covariate has the same mean in both arms and
-- no co-moment with the outcome): the README says the CUPED interval is then
-- the Wald interval; it differed in the last digits (variance_reduction
-- 1.7e-15 at 99 of 100 retained, not 0)
SELECT ok((SELECT bool_and((r).cuped_theta = 0 AND (r).cuped_difference = (r).difference
                           AND (r).cuped_lower = (r).wald_lower AND (r).cuped_upper = (r).wald_upper
                           AND (r).variance_reduction = 0)
           FROM (SELECT incentive_ab_cuped_finalfn(ARRAY[0, 0, nc, yc, 5, nc, 0, 0, nt, yt, 5, 3 * nt, 0, 0]::float8[]) AS r
                 FROM (VALUES (100, 99, 107, 101), (3, 1, 5, 2), (1000, 333, 1007, 335),
                              (1e9, 999999999, 1e9, 999999000)) v(nc, yc, nt, yt)) s),
  'theta = 0: the CUPED estimate and interval are the Wald ones to the last bit, variance_reduction 0');
SELECT ok((SELECT pg_temp.close((s).cuped_difference, (r).cuped_difference) AND pg_temp.close((s).cuped_lower, (r).cuped_lower)
                  AND pg_temp.close((s).variance_reduction, (r).variance_reduction)
                  AND (t).cuped_theta IS NULL AND (t).cuped_difference IS NULL AND (t).cuped_lower IS NULL
                  AND (t).variance_reduction IS NULL AND (t).difference = (r).difference
           FROM (SELECT incentive_ab_cuped(treated, retained, x) AS r, incentive_ab_cuped(treated, retained, x * 1e-135) AS s,
                        incentive_ab_cuped(treated, retained, x * 1e-160) AS t FROM ex) q),
  'a covariate in units of 1e-135 gives the same CUPED estimate; one spread below 1e-140 (squares underflow) gives NULL CUPED fields, not a wrong theta');
SELECT ok((SELECT pg_temp.close((incentive_ab_cuped(treated, retained, 0 * x + id % 2)).cuped_difference,
                                (incentive_ab_cuped(treated, retained, 1e9 + id % 2)).cuped_difference, 1e-6) FROM ex),
  'CUPED does not suffer from a large covariate offset (pairwise moments)');
-- the arms' covariate means must not drift either: rounded to one double at
-- each row, a mean of 1e9 drifts by about 1e-7 * sqrt(n), here as much as the
-- difference of the arms' means that CUPED subtracts (reference, in exact
-- rational arithmetic: test/reference/experiment_reference.py, "a large
-- covariate offset")
SELECT ok((SELECT abs((r).cuped_difference - (-2.4000491405213383e-05)) <= 1e-10 * 2.4000491405213383e-05
                  AND pg_temp.close((r).cuped_theta, 0.0675360675694777)
                  AND pg_temp.close((r).cuped_lower, -0.0028826481963923297)
                  AND pg_temp.close((r).cuped_upper, 0.0028346472135819026)
           FROM (SELECT incentive_ab_cuped(((i * 104729) % 7) < 3, ((i * 31) % 10) < 3 OR (i * 7919) % 1000 > 800,
                                           1e9::float8 + ((i * 7919) % 1000)::float8 / 100) AS r
                 FROM generate_series(1, 400000::bigint) i) s),
  'CUPED with covariates 1e9 + k/100 over 400000 rows = the exact reference, the estimate to 1e-10 relative');

SELECT ok(pg_temp.close((r).qini_coefficient, 0.12511526551087593)
          AND pg_temp.close((r).uplift_auc, 0.19740344235740523)
          AND pg_temp.close((r).uplift_at_k, 0.25183733463988234) AND (r).k = 0.3,
  'qini_auc_score, uplift_auc_score and uplift_at_k(0.3) = the numpy reference of the sklift definitions to 1e-10')
FROM (SELECT incentive_uplift_eval(uplift, treated, retained) AS r FROM ex) s;
SELECT ok(pg_temp.close((incentive_uplift_eval(uplift, treated, retained, 0.1)).uplift_at_k, 0.4074668807707748),
  'uplift_at_k(0.1) = the reference') FROM ex;
SELECT is((SELECT cardinality((incentive_uplift_eval(uplift, treated, retained)).curve) FROM ex), 101,
  'the curve has the origin and 100 points');
SELECT ok((SELECT (c[1]).n_targeted = 0 AND (c[101]).n_targeted = 1000 AND (c[101]).fraction = 1
           FROM (SELECT (incentive_uplift_eval(uplift, treated, retained)).curve AS c FROM ex) s),
  'the curve runs from (0, 0) to all members');
SELECT ok((SELECT pg_temp.close((incentive_uplift_eval(-uplift, treated, retained)).qini_coefficient,
                                (incentive_uplift_eval(-2 * uplift - 1, treated, retained)).qini_coefficient) FROM ex),
  'only the order of the uplifts matters');
SELECT is((SELECT (incentive_uplift_eval(uplift, treated, retained)).qini_coefficient FROM ex WHERE treated), NULL::float8,
  'no control rows: NULL coefficients');
-- no member retained: the perfect curves are the straight line, so both
-- areas are 0 / 0 (scikit-uplift divides by zero); all retained: the Qini
-- curve is a straight line of slope 0 but the uplift curve is not
SELECT ok((SELECT (r).qini_coefficient IS NULL AND (r).uplift_auc IS NULL AND (r).n = 1000
                  AND (a).qini_coefficient = 0 AND (a).uplift_auc IS NOT NULL
           FROM (SELECT incentive_uplift_eval(uplift, treated, false) AS r,
                        incentive_uplift_eval(uplift, treated, true) AS a FROM ex) s),
  'no member retained: qini_coefficient and uplift_auc NULL; every member retained: qini 0');
SELECT is((SELECT (incentive_uplift_eval(u, t, r)).n_skipped FROM (VALUES (NULL::float8, true, true), (0.1, NULL, true), (0.2, true, false)) v(u, t, r)),
  2::bigint, 'rows with a NULL are skipped and counted');
-- the final function sorts the state's arrays in place (the rows stay the
-- same): a running window calls it after every row and keeps adding rows
SELECT is((SELECT count(*) FROM (SELECT id, (incentive_uplift_eval(uplift, treated, retained) OVER (ORDER BY id))::text AS w
                                 FROM ex) r
           WHERE id % 97 = 0
             AND w IS DISTINCT FROM (SELECT (incentive_uplift_eval(uplift, treated, retained))::text FROM ex e WHERE e.id <= r.id)),
  0::bigint, 'a running incentive_uplift_eval equals the aggregate over each prefix');

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
-- an ordinary table (gone with the ROLLBACK): a temporary one is never
-- scanned in parallel, and both sides would be serial
CREATE TABLE big AS SELECT g AS id, g % 3 = 0 AS treated, g % 7 < 4 AS retained, (g % 11)::float8 AS x,
  ((g * 7919) % 1000)::float8 / 1000 AS uplift FROM generate_series(1, 200000) g;
ANALYZE big;
CREATE FUNCTION pg_temp.plan_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q; END $$;
SELECT ok((SELECT string_agg(l, E'\n') FROM pg_temp.plan_lines(
             'SELECT incentive_ab_cuped(treated, retained, x), incentive_uplift_eval(uplift, treated, retained) FROM big') l)
          ~ 'Partial Aggregate',
  'the experiment aggregates over big run as parallel partial aggregates');
SELECT ok((SELECT (incentive_ab_cuped(treated, retained, x))::text FROM big) =
          (SELECT (incentive_ab_cuped(treated, retained, x))::text FROM (SELECT * FROM big ORDER BY id) s),
  'parallel incentive_ab_cuped = serial');
SELECT ok((SELECT abs((o).cuped_difference - (r).cuped_difference) <= 1e-9 * abs((r).cuped_difference)
           FROM (SELECT incentive_ab_cuped(treated, retained OR (id * 7919) % 1000 > 800, 1e9 + (id * 7919) % 1000) AS o,
                        incentive_ab_cuped(treated, retained OR (id * 7919) % 1000 > 800, (id * 7919) % 1000) AS r
                 FROM big) s),
  'parallel incentive_ab_cuped: a covariate offset of 1e9 leaves the estimate as it is, to 1e-9 relative');
SELECT ok((SELECT (incentive_uplift_eval(uplift, treated, retained))::text FROM big) =
          (SELECT (incentive_uplift_eval(uplift, treated, retained))::text FROM (SELECT * FROM big ORDER BY id) s),
  'parallel incentive_uplift_eval = serial');
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- ---------------------------------------------------------------- planning against statsmodels
SELECT is(incentive_sample_size(0.68, 0.03), 3696::bigint, 'sample size = ceil(NormalIndPower.solve_power) (3695.236)');
SELECT is(incentive_sample_size(0.1, -0.02, 0.01, 0.9), 6076::bigint, 'sample size, a decrease, alpha 0.01, power 0.9');
SELECT is(incentive_sample_size(0.5, 0.001), 3924426::bigint, 'sample size for a tiny effect');
SELECT is(incentive_sample_size(0.3, 0.05, 5e-324, 0.8), 271065::bigint,
          'sample size at the smallest subnormal alpha, whose half rounds to zero (mpmath: 271064.754)');
SELECT is(array[incentive_sample_size(0.3, 0.05, 1.5e-323, 0.8), incentive_sample_size(0.3, 0.05, 2.5e-323, 0.8),
                incentive_sample_size(0.3, 0.05, 5e-322, 0.8)], array[270672, 270489, 269413]::bigint[],
          'sample size at odd multiples of the smallest subnormal, whose halves round (mpmath: 270671.503, 270488.649, 269412.718)');
SELECT ok(pg_temp.close(incentive_power(0.68, 0.03, 1000), 0.307955634598193), 'power = NormalIndPower.power to 1e-10');
SELECT ok(pg_temp.close(incentive_power(0.1, -0.02, 1000, 0.01), 0.1560614301998072), 'power, alpha 0.01');
SELECT ok(incentive_power(0.68, 0.03, incentive_sample_size(0.68, 0.03)) >= 0.8
          AND incentive_power(0.68, 0.03, incentive_sample_size(0.68, 0.03) - 1) < 0.8,
  'the sample size is the smallest n with the power');

-- ---------------------------------------------------------------- uplift scores and the demo experiment
CREATE TEMP TABLE dm AS SELECT * FROM retention_demo_members(2000);
CREATE TEMP TABLE dx AS SELECT * FROM retention_demo_experiment(2000);
SELECT is((SELECT count(*)::int FROM dm JOIN dx USING (member_id) WHERE dx.renewed_if_control <> dm.renewed), 0,
  'demo experiment: the control outcome is the member''s renewed');
SELECT is((SELECT count(*)::int FROM dx WHERE treated <> (incentive_assign(member_id, 'demo_coupon', '{0.5,0.5}') = 2)), 0,
  'demo experiment: the arm is incentive_assign(member_id, ''demo_coupon'', {0.5,0.5}) = 2');
SELECT is((SELECT count(*)::int FROM dx WHERE renewed <> CASE WHEN treated THEN renewed_if_treated ELSE renewed_if_control END), 0,
  'demo experiment: the observed outcome is the one of the member''s arm');
SELECT ok((SELECT avg(true_uplift) > 0.02 AND min(true_uplift) < 0 AND max(true_uplift) > 0.2 FROM dx),
  'demo experiment: the true uplift differs by member (helps some, annoys a few)');
SELECT is((SELECT array_agg(member_id ORDER BY member_id) FROM retention_demo_experiment(5)),
          '{1,2,3,4,5}'::bigint[], 'demo experiment: members 1..n');

CREATE TEMP TABLE mods AS
SELECT retention_train(ARRAY[x], retained) FILTER (WHERE treated) AS mt,
       retention_train(ARRAY[x], retained) FILTER (WHERE NOT treated) AS mc FROM ex;
SELECT ok(pg_temp.close(retention_uplift(mt, mc, ARRAY[5.0]), retention_score(mt, ARRAY[5.0]) - retention_score(mc, ARRAY[5.0]), 1e-15),
  'retention_uplift(array) = the difference of the two scores') FROM mods;
SELECT ok(retention_uplift(mt, mc, ARRAY[5.0]) = retention_uplift(mt, mc, (SELECT r FROM (SELECT 5.0::float8 AS f1) r))
          AND retention_uplift(mt, mc, ARRAY[5.0]) = retention_uplift(mt, mc, '{"f1": 5}'::jsonb),
  'retention_uplift: array, row and jsonb forms agree') FROM mods;
SELECT is((SELECT retention_uplift(mt, NULL, ARRAY[5.0]) FROM mods), NULL::float8, 'a NULL model gives NULL');

SELECT * FROM finish();
ROLLBACK;

-- The PL/Python + statsmodels Kaplan-Meier of the survival benchmarks
-- (included by survival.setup.sql and survival_exact.setup.sql).
-- PL/Python + statsmodels, what a user would otherwise run inside the database.
CREATE EXTENSION IF NOT EXISTS plpython3u;
CREATE OR REPLACE FUNCTION bench_statsmodels_km(t float8[], e boolean[]) RETURNS int
LANGUAGE plpython3u AS $$
import numpy as np
from scipy.stats import norm
from statsmodels.duration.survfunc import SurvfuncRight
sf = SurvfuncRight(np.array(t, dtype=float), np.array(e, dtype=float))
s, se = sf.surv_prob, sf.surv_prob_se
z = norm.ppf(0.975)
with np.errstate(all="ignore"):
    sd = se / (s * np.abs(np.log(s)))
    lower = np.exp(-np.exp(np.log(-np.log(s)) + z * sd))
    upper = np.exp(-np.exp(np.log(-np.log(s)) - z * sd))
return len(sf.surv_times)
$$;

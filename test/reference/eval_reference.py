#!/usr/bin/python3
"""Reference values for test/pgtap/40_eval.sql, computed once with scikit-learn.

Run with Debian's python3 and python3-sklearn (1.2.1 on bookworm):
    /usr/bin/python3 test/reference/eval_reference.py

The data is the same deterministic formula the pgTAP test builds in SQL, for
i = 1 .. 3000 (integer arithmetic only, then one correctly rounded division,
so both sides hold the very same float8 values):
    k     = (i * 37) % 101                       -- 0 .. 100, many ties
    score = k / 100                              -- includes exactly 0 and 1
    cal   = (2 * k + 1) / 203                    -- never on a decile edge
    label = ((i * 13) % 17) * 100 < 17 * k + 250
    grp   = i % 3
    score is NULL when i % 97 = 0, label is NULL when i % 89 = 0 (skipped rows)
"""
import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (accuracy_score, brier_score_loss, f1_score, log_loss,
                             matthews_corrcoef, precision_score, recall_score,
                             roc_auc_score)

rows = []
for i in range(1, 3001):
    k = (i * 37) % 101
    score = None if i % 97 == 0 else k / 100
    label = None if i % 89 == 0 else ((i * 13) % 17) * 100 < 17 * k + 250
    rows.append((i, score, (2 * k + 1) / 203, label, i % 3))
rows = [r for r in rows if r[1] is not None and r[3] is not None]


def metrics(sub, threshold=0.5):
    y = np.array([int(r[3]) for r in sub])
    p = np.array([r[1] for r in sub])
    pred = (p >= threshold).astype(int)
    return dict(
        n=len(y), n_positive=int(y.sum()), base_rate=y.mean(),
        auc=roc_auc_score(y, p),
        log_loss=log_loss(y, p, labels=[0, 1]),
        brier=brier_score_loss(y, p),
        accuracy=accuracy_score(y, pred),
        precision=precision_score(y, pred, zero_division=0),
        recall=recall_score(y, pred, zero_division=0),
        f1=f1_score(y, pred, zero_division=0),
        mcc=matthews_corrcoef(y, pred))


print("-- scikit-learn", sklearn.__version__, "numpy", np.__version__)
print("-- log_loss eps (auto) =", repr(np.finfo(np.float64).eps))
for name, sub, thr in [("all, threshold 0.5", rows, 0.5),
                       ("all, threshold 0.3", rows, 0.3)]:
    print("--", name)
    for key, v in metrics(sub, thr).items():
        print(f"  {key} = {v!r}")
for g in range(3):
    sub = [r for r in rows if r[4] == g]
    print(f"-- group {g}: auc = {roc_auc_score([int(r[3]) for r in sub], [r[1] for r in sub])!r}")

# calibration on the 'cal' column, 10 bins
y = np.array([int(r[3]) for r in rows])
c = np.array([r[2] for r in rows])
prob_true, prob_pred = calibration_curve(y, c, n_bins=10, strategy="uniform")
counts = np.bincount(np.searchsorted(np.linspace(0, 1, 11)[1:-1], c, side="right"), minlength=10)
print("-- calibration, 10 bins (non-empty bins): n, mean_score, observed_rate")
nonempty = [b for b in range(10) if counts[b] > 0]
for b, t, pp in zip(nonempty, prob_true, prob_pred):
    print(f"  bin {b + 1}: n = {counts[b]}, mean_score = {pp!r}, observed_rate = {t!r}")
ece = sum(counts[b] / len(y) * abs(pp - t) for b, t, pp in zip(nonempty, prob_true, prob_pred))
print(f"-- ece (10 bins) = {ece!r}")

# retention_split, reimplemented from src/cr_random.h (cr_hash_bytes) and
# src/cr_eval.c: the same keys must land in the test set on every machine.
M64 = (1 << 64) - 1


def mix64(x):
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def hash_bytes(b, seed):
    h = mix64((seed ^ ((0x5851F42D4C957F2D * (len(b) + 1)) & M64)) & M64)
    full = len(b) - len(b) % 8
    for o in range(0, full, 8):
        h = mix64(h ^ int.from_bytes(b[o:o + 8], "little"))
    if len(b) % 8:
        h = mix64(h ^ int.from_bytes(b[full:], "little") ^ 0xA0761D6478BD642F)
    return mix64(h)


def split(key, fraction, seed=0):
    b = key.encode("utf-8") if isinstance(key, str) else (key & M64).to_bytes(8, "little")
    return (hash_bytes(b, seed & M64) >> 11) * 2.0 ** -53 < fraction


print("-- retention_split(g, 0.5), g in 1..40, test keys:",
      ",".join(str(g) for g in range(1, 41) if split(g, 0.5)))
print("-- retention_split(g::text, 0.5), g in 1..40, test keys:",
      ",".join(str(g) for g in range(1, 41) if split(str(g), 0.5)))
print("-- retention_split(g, 0.5, 7), g in 1..40, test keys:",
      ",".join(str(g) for g in range(1, 41) if split(g, 0.5, 7)))
TEXT_KEYS = ["", "a", "été", "abcdefgh", "abcdefghi", "member-éà-123456789", "日本語のキー"]
print("-- retention_split(key, 0.5, 3) for", TEXT_KEYS, ":",
      ",".join("t" if split(k, 0.5, 3) else "f" for k in TEXT_KEYS))
print("-- retention_split(key, 0.5, -5) for -1, 0, 9223372036854775807, -9223372036854775808:",
      ",".join("t" if split(k, 0.5, -5) else "f" for k in [-1, 0, 2**63 - 1, -2**63]))

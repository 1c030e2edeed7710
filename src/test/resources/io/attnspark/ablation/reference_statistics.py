"""Reference values for the ablation statistics tests (WelchTestTest, PairedTestTest, HolmAdjustmentTest,
MinimalDetectableDifferenceTest, SummariesTest), computed independently of commons-math3.

Run: python3 reference_statistics.py   (numpy; scipy for the t distribution and the t-tests)
"""
import numpy as np
from scipy import stats

ALPHA, POWER = 0.05, 0.8


def holm(p):
    """Holm's step-down, written apart from the Java one: NaN entries are left out of the family."""
    p = np.asarray(p, float)
    out = np.full(len(p), np.nan)
    idx = np.flatnonzero(~np.isnan(p))
    m = len(idx)
    order = idx[np.argsort(p[idx], kind="stable")]
    out[order] = np.minimum(1, np.maximum.accumulate((m - np.arange(m)) * p[order]))
    return out


def welch(a, b):
    a, b = np.asarray(a), np.asarray(b)
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    half = stats.t.ppf(0.975, df) * se
    mdd = (stats.t.ppf(1 - ALPHA / 2, df) + stats.t.ppf(POWER, df)) * se
    d = a.mean() - b.mean()
    return dict(diff=d, df=df, ci=(d - half, d + half), p=stats.ttest_ind(a, b, equal_var=False).pvalue, mdd=mdd)


def paired(a, b):
    d = np.asarray(a) - np.asarray(b)
    n = len(d)
    se = d.std(ddof=1) / np.sqrt(n)
    half = stats.t.ppf(0.975, n - 1) * se
    mdd = (stats.t.ppf(1 - ALPHA / 2, n - 1) + stats.t.ppf(POWER, n - 1)) * se
    return dict(diff=d.mean(), ci=(d.mean() - half, d.mean() + half), p=stats.ttest_rel(a, b).pvalue, mdd=mdd)


if __name__ == "__main__":
    variant, baseline = [0.912, 0.905, 0.921], [0.900, 0.897, 0.899]
    print("welch 3 v 3", welch(variant, baseline))
    print("welch 2 v 2", welch([0.90, 0.92], [0.87, 0.89]))
    print("paired 3 pairs", paired(variant, baseline))
    print("t.ppf(0.975, 2), t.ppf(0.8, 2)", stats.t.ppf(0.975, 2), stats.t.ppf(0.8, 2))
    print("z(0.975) + z(0.8)", stats.norm.ppf(0.975) + stats.norm.ppf(0.8))
    print("holm textbook", holm([0.01, 0.04, 0.03, 0.005]))
    print("holm cap", holm([0.01, 0.6, 0.7]))
    print("holm ties", holm([0.01, 0.01, 0.04]))
    print("holm NaN", holm([0.01, np.nan, 0.04]))
    # SummariesTest.holmAdjustsWithinEachBaselinesFamily: family k=10
    gc = [0.902, 0.896, 0.903]
    raw = [welch(variant, baseline)["p"], welch(gc, baseline)["p"]]
    print("family k=10 raw", raw, "holm", holm(raw))
    raw = [paired(variant, baseline)["p"], paired(gc, baseline)["p"]]
    print("family k=10 paired raw", raw, "holm", holm(raw))

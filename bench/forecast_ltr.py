"""Learned rankings of the top of the list (learning to rank), rolling origin (issue 12).

Same weeks, cells and scoring as bench/forecast_real.py (155 Monday forecasts, 250 m study
cells, PAI with fractional ties) and the same blend (0.75 x all-history counts + 0.25 x PHS).
Every forecast is fitted on the previous TRAIN weekly windows only (features at each past
origin from the events before it, label = that window's events), on candidate cells (the top
CAND share by the blend), and re-ranks the candidates only; the rest keep the blend order.

    .venv/bin/python bench/forecast_ltr.py /tmp/tryggve-forecast-data/st_louis_long.csv

Result (2026-11-29, not adopted): PAI@5 % against the blend, St. Louis / Vancouver
residential / Vancouver commercial, 104 training windows, candidates the top 20 %:
logistic (>= 1 event) +6.2 / +7.2 / +0.3 %; pairwise logistic +6.9 / +6.7 / -0.3 %; pairwise
weighted by count +6.8 / +7.3 / +0.1 %; graded pairs (l2 1000) +6.5 / +7.2 / +1.0 %; boosted
stumps +5.1 % (logistic) and +4.4 % (Poisson) on St. Louis. Candidates 10 % or 35 %,
208 windows or 4-week labels: no better. No variant reaches +10 % on any series
(the committed lattice ranking: +6.2 / +6.5 / +1.8 %).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from forecast_real import CELL, baselines, study_cells  # noqa: E402

from tryggve.analytics.forecast import EPOCH, _hit_rates, load_events, project  # noqa: E402

LN2 = math.log(2.0)
HALF_LIVES = (182.0, 365.0, 730.0, 1461.0, math.inf)


def norm_rows(m):
    tot = m.sum(axis=-1, keepdims=True)
    return np.divide(m, tot, out=np.zeros_like(m), where=tot > 0)


class Data:
    def __init__(self, path: Path, weeks: int, verify: int = 3):
        events = load_events(path)
        x, y = project(events.lat, events.lon, float(events.lat.mean()), float(events.lon.mean()))
        xy, t = np.column_stack([x, y]), events.t
        self.cells = cells = study_cells(xy)
        tree = cKDTree(cells)
        cell = tree.query(xy)[1]
        self.n = n = len(cells)
        last = EPOCH + timedelta(days=float(t.max()))
        monday = datetime(last.year, last.month, last.day) - timedelta(days=last.weekday())
        end = (monday - EPOCH) / timedelta(days=1)  # start of the unfinished last week
        nweeks = int(math.ceil((end - t.min()) / 7.0))
        s0 = end - 7.0 * nweeks
        self.W = nweeks  # windows 0..W-1, window w = [s0 + 7w, s0 + 7w + 7)
        self.s = s0 + 7.0 * np.arange(nweeks + 1)
        keep = (t >= s0) & (t < end)
        xy, t, cell = xy[keep], t[keep], cell[keep]
        wk = np.floor((t - s0) / 7.0).astype(int)
        self.C = np.bincount(wk * n + cell, minlength=nweeks * n).reshape(nweeks, n).astype(float)
        self.CS = np.zeros((nweeks + 1, n))
        np.cumsum(self.C, axis=0, out=self.CS[1:])  # CS[w] = counts before origin w
        self.test_w = np.arange(nweeks - weeks, nweeks)
        # faded counts at every origin w (events before s[w]), exact
        self.F = {}
        for h in HALF_LIVES:
            if math.isinf(h):
                self.F[h] = self.CS
                continue
            k = LN2 / h
            b = np.bincount(
                wk * n + cell, weights=np.exp(-k * (self.s[wk + 1] - t)), minlength=nweeks * n
            ).reshape(nweeks, n)
            f = np.zeros((nweeks + 1, n))
            dec = math.exp(-7.0 * k)
            for w in range(1, nweeks + 1):
                f[w] = f[w - 1] * dec + b[w - 1]
            self.F[h] = f
        # PHS at every origin, exactly as forecast_real.baselines
        near = tree.query_ball_point(xy, 400.0)
        rows = np.repeat(np.arange(len(xy)), [len(a) for a in near])
        cols = np.concatenate([np.asarray(a, dtype=int) for a in near])
        dist = np.hypot(cells[cols, 0] - xy[rows, 0], cells[cols, 1] - xy[rows, 1])
        D = sparse.csr_matrix((1.0 / (1.0 + dist / CELL), (rows, cols)), shape=(len(xy), n))
        self.PHS = np.zeros((nweeks + 1, n))
        order = np.argsort(t)
        ts = t[order]
        Ds = D[order]
        for w in range(1, nweeks + 1):
            lo, hi = np.searchsorted(ts, [self.s[w] - 56.0, self.s[w]], side="left")
            if hi > lo:
                age = self.s[w] - ts[lo:hi]
                wt = 1.0 / (1.0 + np.floor(age / 7.0))
                self.PHS[w] = Ds[lo:hi].T @ wt
        self.blend = 0.75 * norm_rows(self.CS) + 0.25 * norm_rows(self.PHS)

        # neighbourhoods on the cells
        def adj(radius):
            pairs = tree.query_pairs(radius, output_type="ndarray")
            a = sparse.coo_matrix(
                (
                    np.ones(2 * len(pairs)),
                    (np.r_[pairs[:, 0], pairs[:, 1]], np.r_[pairs[:, 1], pairs[:, 0]]),
                ),
                shape=(n, n),
            ).tocsr()
            return a + sparse.identity(n, format="csr")

        self.A1 = adj(1.5 * CELL)  # 3 x 3
        self.A2 = adj(520.0)  # ~500 m ring (incl. 3 x 3)
        # exact-position repeats: max per position count (all history / faded 365) per cell
        pos = np.round(xy).astype(np.int64)
        _, self.place = np.unique(pos[:, 0] * 10**8 + pos[:, 1], return_inverse=True)
        self.ev_wk, self.ev_cell, self.ev_t = wk, cell, t
        # verify the blend against forecast_real.baselines on a few test weeks
        full = load_events(path)
        fx, fy = project(full.lat, full.lon, float(full.lat.mean()), float(full.lon.mean()))
        fxy = np.column_stack([fx, fy])
        for w in self.test_w[:: max(1, len(self.test_w) // max(1, verify))][:verify]:
            ref = baselines(fxy, full.t, cells, tree, self.s[w])["blend"]
            err = np.abs(ref - self.blend[w]).max()
            assert err < 1e-12, (w, err)

    def window(self, w, k, A=None):
        v = self.CS[w] - self.CS[max(0, w - k)]
        return v if A is None else A @ v

    def features(self, w):
        """Feature matrix (n x p) at origin w, from events before s[w] only."""
        n = self.n
        cols, names = [], []

        def add(name, v):
            m = v.mean()
            cols.append(np.log1p(v / m) if m > 0 else np.zeros(n))
            names.append(name)

        for h in HALF_LIVES:
            add(f"F{h:g}", self.F[h][w])
        for k in (1, 4, 13, 52):
            add(f"c{k}", self.window(w, k))
            add(f"n{k}", self.window(w, k, self.A1))
            add(f"r{k}", self.window(w, k, self.A2))
        add("F365n", self.A1 @ self.F[365.0][w])
        add("F365r", self.A2 @ self.F[365.0][w])
        add("phs", self.PHS[w])
        add("nr2", self.window(w, 2, self.A1))
        b = self.blend[w]
        add("blend", b)
        rk = np.empty(n)
        rk[np.argsort(b, kind="stable")] = np.arange(n) / n
        cols.append(rk)
        names.append("blendrank")
        # trend: last year vs all-history rate
        yr = self.window(w, 52)
        tot = self.CS[w]
        cols.append(np.log1p(yr) - np.log1p(tot * 52.0 / max(1, w)))
        names.append("trend")
        return np.column_stack(cols), names


def fit_logistic(X, y, l2=1.0, wts=None, iters=25):
    n, p = X.shape
    Xb = np.column_stack([X, np.ones(n)])
    beta = np.zeros(p + 1)
    wts = np.ones(n) if wts is None else wts
    reg = l2 * np.r_[np.ones(p), 0.0]
    for _ in range(iters):
        z = Xb @ beta
        mu = 1.0 / (1.0 + np.exp(-z))
        g = Xb.T @ (wts * (mu - y)) + reg * beta
        H = (Xb * (wts * mu * (1 - mu))[:, None]).T @ Xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta


def fit_poisson(X, y, l2=1.0, iters=30):
    n, p = X.shape
    Xb = np.column_stack([X, np.ones(n)])
    beta = np.zeros(p + 1)
    beta[-1] = math.log(max(y.mean(), 1e-6))
    reg = l2 * np.r_[np.ones(p), 0.0]
    for _ in range(iters):
        mu = np.exp(np.clip(Xb @ beta, -30, 30))
        g = Xb.T @ (mu - y) + reg * beta
        H = (Xb * mu[:, None]).T @ Xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return beta


def fit_pairwise(X, y, grp, rng, negs=20, l2=1.0, weighted=False, top=None):
    """Logistic loss on (positive, negative) differences within each origin. With ``top``
    (a share of each origin's candidates, in blend order), negatives come from the top only."""
    diffs, wl = [], []
    for g in np.unique(grp):
        idx = np.flatnonzero(grp == g)
        pos = idx[y[idx] > 0]
        pool = idx if top is None else idx[: int(top * len(idx))]
        neg = pool[y[pool] == 0]
        if len(pos) == 0 or len(neg) == 0:
            continue
        pi = np.repeat(pos, negs)
        ni = rng.choice(neg, size=pi.size)
        diffs.append(X[pi] - X[ni])
        wl.append(np.repeat(y[pos], negs) if weighted else np.ones(pi.size))
    D = np.vstack(diffs)
    w = np.concatenate(wl)
    # symmetric: label 1 for d, 0 for -d -> equivalent to logistic without intercept
    Z = np.vstack([D, -D])
    yy = np.r_[np.ones(len(D)), np.zeros(len(D))]
    ww = np.r_[w, w]
    p = X.shape[1]
    beta = np.zeros(p)
    for _ in range(25):
        mu = 1.0 / (1.0 + np.exp(-(Z @ beta)))
        g = Z.T @ (ww * (mu - yy)) + l2 * beta
        H = (Z * (ww * mu * (1 - mu))[:, None]).T @ Z + l2 * np.eye(p)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return np.r_[beta, 0.0]


def fit_stumps(X, y, rounds=100, lr=0.1, bins=16, loss="logistic", min_hess=5.0):
    """Gradient-boosted stumps (Newton steps), features binned by training quantiles."""
    n, p = X.shape
    edges = [np.unique(np.quantile(X[:, j], np.linspace(0, 1, bins + 1)[1:-1])) for j in range(p)]
    B = np.column_stack([np.searchsorted(edges[j], X[:, j], side="right") for j in range(p)])
    nb = bins
    flat = B + (np.arange(p) * nb)[None, :]
    if loss == "logistic":
        base = math.log(max(y.mean(), 1e-6) / max(1 - y.mean(), 1e-6))
    else:
        base = math.log(max(y.mean(), 1e-6))
    f = np.full(n, base)
    model = []
    for _ in range(rounds):
        if loss == "logistic":
            mu = 1.0 / (1.0 + np.exp(-f))
            g, h = mu - y, mu * (1 - mu)
        else:
            mu = np.exp(f)
            g, h = mu - y, mu
        G = np.bincount(flat.ravel(), weights=np.repeat(g, p), minlength=p * nb).reshape(p, nb)
        Hh = np.bincount(flat.ravel(), weights=np.repeat(h, p), minlength=p * nb).reshape(p, nb)
        GL, HL = np.cumsum(G, axis=1)[:, :-1], np.cumsum(Hh, axis=1)[:, :-1]
        GT, HT = G.sum(axis=1, keepdims=True), Hh.sum(axis=1, keepdims=True)
        GR, HR = GT - GL, HT - HL
        lam = 1.0
        gain = GL**2 / (HL + lam) + GR**2 / (HR + lam)
        gain[(min_hess > HL) | (min_hess > HR)] = -np.inf
        j, b = np.unravel_index(np.argmax(gain), gain.shape)
        if not np.isfinite(gain[j, b]):
            break
        vl = -GL[j, b] / (HL[j, b] + lam) * lr
        vr = -GR[j, b] / (HR[j, b] + lam) * lr
        thr = edges[j][b] if b < len(edges[j]) else np.inf
        model.append((j, thr, vl, vr))
        f += np.where(B[:, j] <= b, vl, vr)
    return base, model


def predict_stumps(m, X):
    base, model = m
    f = np.full(len(X), base)
    for j, thr, vl, vr in model:
        f += np.where(X[:, j] < thr, vl, vr)
    return f


def run(data: Data, variants, train=104, cand=0.2, verbose=False, horizon=1):
    n = data.n
    W = data.W
    needed = range(max(1, data.test_w[0] - train - horizon), W)
    feats = {}
    t0 = time.process_time()
    for w in needed:
        feats[w] = data.features(w)[0]
    feat_cpu = (time.process_time() - t0) / len(needed)
    ncand = int(round(cand * n))
    cands = {w: np.argsort(-data.blend[w], kind="stable")[:ncand] for w in needed}
    res = {name: np.zeros((len(data.test_w), 3)) for name in ["blend", *variants]}
    cpu = {name: [] for name in variants}
    counts = np.zeros(len(data.test_w))
    rng = np.random.default_rng(0)
    for i, w in enumerate(data.test_w):
        test = np.repeat(np.arange(n), data.C[w].astype(int))
        counts[i] = test.size
        res["blend"][i] = _hit_rates(data.blend[w], test, None) * test.size
        tr = [v for v in range(w - train - horizon + 1, w - horizon + 1) if v >= 1]
        X = np.vstack([feats[v][cands[v]] for v in tr])
        y = np.concatenate([(data.CS[v + horizon] - data.CS[v])[cands[v]] for v in tr])
        grp = np.repeat(np.arange(len(tr)), ncand)
        mu, sd = X.mean(axis=0), X.std(axis=0) + 1e-9
        Xs = (X - mu) / sd
        Xt = (feats[w][cands[w]] - mu) / sd
        for name, fit in variants.items():
            c0 = time.process_time()
            z = fit(Xs, y, grp, Xt, rng)
            cpu[name].append(time.process_time() - c0)
            score = data.blend[w].copy()
            score[cands[w]] = (
                10.0 + z - z.min() if z.max() > z.min() else 10.0 + data.blend[w][cands[w]]
            )
            res[name][i] = _hit_rates(score, test, None) * test.size
        if verbose and i % 20 == 0:
            print(
                i,
                {
                    k: round(v[: i + 1, 1].sum() / res["blend"][: i + 1, 1].sum() - 1, 3)
                    for k, v in res.items()
                },
                flush=True,
            )
    out = {}
    base = res["blend"]
    for name in variants:
        out[name] = (
            100 * (res[name][:, 1].sum() / base[:, 1].sum() - 1),
            100 * (res[name][:, 0].sum() / base[:, 0].sum() - 1),
            res[name][:, 0].sum() / counts.sum() / 0.01,
            res[name][:, 1].sum() / counts.sum() / 0.05,
            float(np.median(cpu[name])) + feat_cpu,
        )
    out["blend"] = (
        0.0,
        0.0,
        base[:, 0].sum() / counts.sum() / 0.01,
        base[:, 1].sum() / counts.sum() / 0.05,
        0.0,
    )
    return out, res, counts


def lin(beta, Xt):
    return np.column_stack([Xt, np.ones(len(Xt))]) @ beta


def fit_graded(X, y, grp, rng, pairs=3000, l2=10.0):
    """Pairwise logistic on random candidate pairs with different labels, weight |diff|."""
    diffs, wl = [], []
    for g in np.unique(grp):
        idx = np.flatnonzero(grp == g)
        a, b = rng.choice(idx, pairs), rng.choice(idx, pairs)
        d = y[a] - y[b]
        use = d != 0
        sgn = np.sign(d[use])[:, None]
        diffs.append((X[a[use]] - X[b[use]]) * sgn)
        wl.append(np.abs(d[use]))
    D = np.vstack(diffs)
    w = np.concatenate(wl)
    p = X.shape[1]
    beta = np.zeros(p)
    for _ in range(25):
        mu = 1.0 / (1.0 + np.exp(-(D @ beta)))
        g = D.T @ (w * (mu - 1.0)) + l2 * beta
        H = (D * (w * mu * (1 - mu))[:, None]).T @ D + l2 * np.eye(p)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-6:
            break
    return np.r_[beta, 0.0]


def rankpct(z):
    r = np.empty(len(z))
    r[np.argsort(z, kind="stable")] = np.arange(len(z)) / len(z)
    return r


def shrunk(fit, a):
    """Mix of the learned rank and the blend rank within the candidates (feature blendrank)."""

    def f(X, y, g, Xt, r):
        z = fit(X, y, g, Xt, r)
        return a * rankpct(z) + (1 - a) * rankpct(Xt[:, -2])

    return f


PW = lambda **kw: lambda X, y, g, Xt, r: lin(fit_pairwise(X, y, g, r, **kw), Xt)  # noqa: E731

VARIANTS = {
    "logit >=1": lambda X, y, g, Xt, r: lin(fit_logistic(X, (y > 0).astype(float), l2=10.0), Xt),
    "poisson": lambda X, y, g, Xt, r: lin(fit_poisson(X, y, l2=10.0), Xt),
    "pairwise": lambda X, y, g, Xt, r: lin(fit_pairwise(X, y, g, r, l2=10.0), Xt),
    "pairwise w=count": lambda X, y, g, Xt, r: lin(
        fit_pairwise(X, y, g, r, l2=10.0, weighted=True), Xt
    ),
    "pairwise l2=100": PW(l2=100.0),
    "pairwise l2=1000": PW(l2=1000.0),
    "graded": lambda X, y, g, Xt, r: lin(fit_graded(X, y, g, r), Xt),
    "graded l2=1000": lambda X, y, g, Xt, r: lin(fit_graded(X, y, g, r, l2=1000.0), Xt),
    "pairwise 0.5 + blend": shrunk(PW(l2=10.0), 0.5),
    "pairwise 0.75 + blend": shrunk(PW(l2=10.0), 0.75),
    "stumps logit": lambda X, y, g, Xt, r: predict_stumps(fit_stumps(X, (y > 0).astype(float)), Xt),
    "stumps poisson": lambda X, y, g, Xt, r: predict_stumps(fit_stumps(X, y, loss="poisson"), Xt),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("events", type=Path)
    parser.add_argument("--weeks", type=int, default=155)
    parser.add_argument("--train", type=int, default=104)
    parser.add_argument("--cand", type=float, default=0.2)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("-v", action="store_true")
    parser.add_argument("--horizon", type=int, default=1)
    args = parser.parse_args()
    c0 = time.process_time()
    data = Data(args.events, args.weeks)
    print(
        f"{args.events.name}: {data.n} cells, {data.W} weeks, "
        f"prep {time.process_time() - c0:.1f} s CPU",
        flush=True,
    )
    variants = {k: v for k, v in VARIANTS.items() if not args.only or k in args.only}
    out, _, _ = run(data, variants, args.train, args.cand, args.v, args.horizon)
    for name, (d5, d1, p1, p5, sec) in out.items():
        print(f"| {name} | {d5:+.1f} % | {d1:+.1f} % | {p1:.2f} | {p5:.2f} | {sec:.3f} s |")


if __name__ == "__main__":
    main()

"""Recomputes the photo-z and LBG-selection metrics of lbg's example runs from their HDF5 outputs, with numpy
and h5py only, for test/stages/science-sanity.test.ts to compare with the YAML the stages wrote.

Written from the definitions in the stages' docs (not from their code):
  dz = (z_phot - z_true) / (1 + z_true); bias = median(dz); sigma_nmad = 1.4826 median|dz - bias|;
  sigma_iqr = (P75 - P25) / 1.349 (numpy's default percentiles); outlier_fraction: |dz| > threshold;
  outlier_fraction_3sigma: |dz| > max(0.06, 3 sigma_iqr); coverage_N: lo <= z_true <= hi;
  PIT bin of an object = how many of its 19 quantiles z_q05..z_q95 are <= z_true.
  LBG: bin = the sample an object was put in (-1 none); purity / completeness in [z_min, z_max) over galaxies.

Usage: recompute_metrics.py photoz <outputs dir> <json options>
       recompute_metrics.py lbg <outputs dir> <json options>
Prints one JSON object.
"""
import json
import sys

import h5py
import numpy as np

QUANTILES = ["z_q%02d" % q for q in range(5, 100, 5)]
INTERVALS = {"coverage_68": ("z_lo68", "z_hi68"), "coverage_90": ("z_q05", "z_q95"), "coverage_95": ("z_lo95", "z_hi95")}


def table(path, group, names):
    with h5py.File(path, "r") as f:
        return {n: f[group][n][:] for n in names}


def none_if_nan(x):
    x = float(x)
    return None if np.isnan(x) else x


def metrics(z_true, est, point, threshold, with_pit):
    n = len(z_true)
    out = {"count": n}
    if n == 0:
        out.update(bias=None, sigma_nmad=None, sigma_iqr=None, outlier_fraction=None, outlier_fraction_3sigma=None)
        out.update({k: None for k in INTERVALS})
        if with_pit:
            out["pit"] = None
        return out
    dz = (est[point] - z_true) / (1 + z_true)
    bias = np.median(dz)
    p75, p25 = np.percentile(dz, [75, 25])
    sigma_iqr = (p75 - p25) / 1.349
    out.update(
        bias=float(bias),
        sigma_nmad=float(1.4826 * np.median(np.abs(dz - bias))),
        sigma_iqr=float(sigma_iqr),
        outlier_fraction=float(np.mean(np.abs(dz) > threshold)),
        outlier_fraction_3sigma=float(np.mean(np.abs(dz) > max(0.06, 3 * sigma_iqr))),
    )
    for key, (lo, hi) in INTERVALS.items():
        out[key] = float(np.mean((est[lo] <= z_true) & (z_true <= est[hi])))
    if with_pit:
        q = np.stack([est[c] for c in QUANTILES])  # (19, n)
        k = np.sum(q <= z_true[None, :], axis=0)
        out["pit"] = (np.bincount(k, minlength=len(QUANTILES) + 1) / n).tolist()
    return out


def match(ids, est_ids, est):
    order = {int(i): j for j, i in enumerate(est_ids)}
    rows = np.array([order[int(i)] for i in ids], dtype=np.int64)
    return {k: v[rows] for k, v in est.items()}


def photoz(outputs, o):
    point, threshold = o["point_estimate"], o["outlier_threshold"]
    cols = sorted({point, *QUANTILES, *[c for pair in INTERVALS.values() for c in pair]})

    truth = table(f"{outputs}/test_catalog.hdf5", "photometry", ["id", "redshift"])
    est = table(f"{outputs}/test_photoz.hdf5", "photoz", ["id", *cols])
    e = match(truth["id"], est["id"], {c: est[c] for c in cols})
    z = truth["redshift"].astype(np.float64)
    test = metrics(z, e, point, threshold, True)
    test["bins"] = []
    for lo, hi in zip(o["z_bins"][:-1], o["z_bins"][1:]):
        m = (z >= lo) & (z < hi)
        test["bins"].append({"z_min": lo, "z_max": hi, **metrics(z[m], {k: v[m] for k, v in e.items()}, point, threshold, False)})

    phot = table(f"{outputs}/photometry_catalog.hdf5", "photometry", ["id", "redshift_true", "mag_i", "object_type_true"])
    est = table(f"{outputs}/target_photoz.hdf5", "photoz", ["id", *cols])
    e = match(phot["id"], est["id"], {c: est[c] for c in cols})
    training = set(int(i) for i in table(f"{outputs}/training_catalog.hdf5", "photometry", ["id"])["id"])
    star = phot["object_type_true"] != 0
    trained = np.array([int(i) in training for i in phot["id"]]) & ~star
    keep = ~star & ~trained
    z = phot["redshift_true"][keep].astype(np.float64)
    mag = phot["mag_i"][keep].astype(np.float64)
    ek = {k: v[keep] for k, v in e.items()}
    target = {"catalog_objects": int(len(phot["id"])), "excluded_training": int(trained.sum()), "excluded_stars": int(star.sum())}
    target.update(metrics(z, ek, point, threshold, True))
    target["mag_bins"] = []
    for lo, hi in zip(o["mag_bins"][:-1], o["mag_bins"][1:]):
        m = (mag >= lo) & (mag < hi)
        target["mag_bins"].append({"i_min": lo, "i_max": hi, **metrics(z[m], {k: v[m] for k, v in ek.items()}, point, threshold, True)})
    target["z_bins"] = []
    for lo, hi in zip(o["z_bins"][:-1], o["z_bins"][1:]):
        m = (z >= lo) & (z < hi)
        target["z_bins"].append({"z_min": lo, "z_max": hi, **metrics(z[m], {k: v[m] for k, v in ek.items()}, point, threshold, False)})
    zs = e[point][star]
    target["stars"] = {
        "count": int(star.sum()),
        "median_z_phot": none_if_nan(np.median(zs)) if len(zs) else None,
        "fraction_z_phot_above_1": float(np.mean(zs > 1)) if len(zs) else None,
    }
    pit_edges = [round(k / (len(QUANTILES) + 1), 4) for k in range(len(QUANTILES) + 2)]
    return {"point_estimate": point, "outlier_threshold": threshold, **test, "pit_edges": pit_edges, "target": target}


def lbg(outputs, o):
    phot = table(f"{outputs}/photometry_catalog.hdf5", "photometry", ["redshift_true", "object_type_true", "mag_i"])
    with h5py.File(f"{outputs}/tomography_catalog.hdf5", "r") as f:
        bins = f["tomography/bin"][:]
        names = [str(f["tomography"].attrs["sample_%d" % k]) for k in range(int(f["tomography"].attrs["nbin"]))]
    z = phot["redshift_true"].astype(np.float64)
    kind = phot["object_type_true"]
    mag = phot["mag_i"].astype(np.float64)
    galaxy = kind == 0
    width = o["nz_bin_width"]
    n_bins = int(np.floor(z.max() / width)) + 1
    out = {"total": int(len(z)), "galaxies": int(galaxy.sum()), "main_sequence_stars": int((kind == 1).sum()), "brown_dwarfs": int((kind == 2).sum()), "samples": {}}
    for k, name in enumerate(names):
        sel = bins == k
        n_sel = int(sel.sum())
        entry = {"count": n_sel, "median_z": float(np.median(z[sel])) if n_sel else None}
        lo, hi = o["target_redshifts"][name]
        in_range = galaxy & (z >= lo) & (z < hi)
        good = int((sel & in_range).sum())
        frac = lambda c: c / n_sel if n_sel else None  # noqa: E731
        edges = [e for e in o["interloper_z_edges"] if e < lo] + [lo]
        galaxies = [
            {"z_min": a, "z_max": b, "count": int((sel & galaxy & (z >= a) & (z < b)).sum())}
            for a, b in zip(edges[:-1], edges[1:])
        ] + [{"z_min": hi, "z_max": None, "count": int((sel & galaxy & (z >= hi)).sum())}]
        for g in galaxies:
            g["fraction"] = frac(g["count"])
        inter = n_sel - good
        entry.update(
            z_min=lo,
            z_max=hi,
            in_range=int(in_range.sum()),
            completeness=good / int(in_range.sum()) if in_range.sum() else None,
            purity=frac(good),
            interlopers={
                "count": inter,
                "fraction": frac(inter),
                "main_sequence_stars": {"count": int((sel & (kind == 1)).sum()), "fraction": frac(int((sel & (kind == 1)).sum()))},
                "brown_dwarfs": {"count": int((sel & (kind == 2)).sum()), "fraction": frac(int((sel & (kind == 2)).sum()))},
                "galaxies": galaxies,
            },
            by_magnitude=[],
        )
        for a, b in zip(o["mag_bins"][:-1], o["mag_bins"][1:]):
            m = sel & (mag >= a) & (mag < b)
            c = int(m.sum())
            entry["by_magnitude"].append({"i_min": a, "i_max": b, "count": c, "purity": int((m & in_range).sum()) / c if c else None})
        b = np.minimum(np.floor(z / width).astype(np.int64), n_bins - 1)
        all_counts = np.bincount(b[galaxy], minlength=n_bins)
        sel_counts = np.bincount(b[galaxy & sel], minlength=n_bins)
        entry["nz"] = {
            "z_edges": [round(width * i, 10) for i in range(n_bins + 1)],
            "selected": sel_counts.tolist(),
            "completeness": [int(s) / int(a) if a else None for s, a in zip(sel_counts, all_counts)],
        }
        out["samples"][name] = entry
    return out


if __name__ == "__main__":
    mode, outputs, options = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    print(json.dumps(photoz(outputs, options) if mode == "photoz" else lbg(outputs, options)))

"""Theme discovery against the analysts' codes on all three labelled sets, BERTopic beside it.

Sets (``../shared/data/voices``, read in place): NHS FFT phase 2 (single-label rows scored,
all clustered), NHS FFT phase 1 and Care Opinion stories (the primary code). For each set:

* fairer: :func:`fairer.voices.themes.discover_themes` with its defaults (k from the number
  of statements, 5% and clusters under the disclosure threshold in ``Other``), on WordLlama
  (the default install) and on MiniLM (``make models``);
* BERTopic (Grootendorst, 2022) with its defaults — UMAP to 5 dimensions (15 neighbours,
  cosine), HDBSCAN with clusters of at least 10 — on the same MiniLM embeddings (its default
  model is the same all-MiniLM-L6-v2) and on WordLlama's. Its outliers (topic -1) count as one
  cluster, as fairer's ``Other`` does. UMAP is given a seed so the run repeats.

NMI (arithmetic) and AMI from scikit-learn. NMI is not corrected for chance and rises with the
number of clusters; AMI is, so it is shown beside it. Each cell is the mean over seeds 0 and 1.

Run: ``python benchmarks/voices_themes.py`` (BERTopic: ``pip install bertopic``; not a
dependency of fairer).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _record import record  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "voices"
SEEDS = (0, 1)


def labelled_sets() -> dict[str, tuple[pd.DataFrame, np.ndarray, np.ndarray]]:
    """Each set's texts, the analysts' code per row, and which rows are scored."""

    def texts(name: str) -> pd.DataFrame:
        d = pd.read_csv(SHARED / name)
        keep = d["text"].notna() & (d["text"].astype(str).str.strip() != "")
        return d[keep].reset_index(drop=True)

    p2 = texts("nhs_fft_phase2_v6_dev.csv")
    p1 = texts("nhs_fft_phase1_dev.csv")
    co = texts("care_opinion_phase1_dev.csv")
    return {
        "NHS FFT phase 2": (p2, p2["labels"].to_numpy(), (p2["n_labels"] == 1).to_numpy()),
        "NHS FFT phase 1": (p1, p1["code"].to_numpy(), np.ones(len(p1), bool)),
        "Care Opinion stories": (
            co,
            co["code"].fillna("NA").to_numpy(),
            np.ones(len(co), bool),
        ),
    }


def scores(gold: np.ndarray, found: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import adjusted_mutual_info_score, normalized_mutual_info_score

    return {
        "nmi": normalized_mutual_info_score(gold[mask], found[mask]),
        "ami": adjusted_mutual_info_score(gold[mask], found[mask]),
    }


def run_fairer(d: pd.DataFrame, x: np.ndarray, seed: int) -> tuple[np.ndarray, int, float, float]:
    from fairer.voices.themes import OTHER_ID, discover_themes

    st = pd.DataFrame({"statement_id": [str(i) for i in range(len(d))], "text": d["text"]})
    t0 = time.perf_counter()
    r = discover_themes(st, seed=seed, embeddings=x)
    spent = time.perf_counter() - t0
    found = r.assignments["theme_id"].to_numpy()
    return found, int(len(set(found) - {OTHER_ID})), float((found == OTHER_ID).mean()), spent


def run_bertopic(d: pd.DataFrame, x: np.ndarray, seed: int) -> tuple[np.ndarray, int, float, float]:
    from bertopic import BERTopic
    from umap import UMAP

    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    t0 = time.perf_counter()
    topics, _ = BERTopic(umap_model=umap).fit_transform(d["text"].astype(str).tolist(), x)
    spent = time.perf_counter() - t0
    found = np.asarray(topics)
    return found, int(len(set(found) - {-1})), float((found == -1).mean()), spent


def main() -> None:
    from fairer.voices.embed import available, get_embedder

    if not SHARED.exists():
        print(f"skipped: {SHARED} not found")
        return
    try:
        import bertopic  # noqa: F401

        methods = {"fairer": run_fairer, "BERTopic": run_bertopic}
    except ImportError:
        print("BERTopic not installed (pip install bertopic): fairer only")
        methods = {"fairer": run_fairer}
    reps = [r for r in ("wordllama", "minilm") if r in available()]
    rows = []
    for set_name, (d, gold, mask) in labelled_sets().items():
        for rep in reps:
            x = get_embedder(rep).encode(d["text"].astype(str).tolist())
            for method, run in methods.items():
                cells = []
                for seed in SEEDS:
                    found, k, in_other, spent = run(d, x, seed)
                    cells.append(
                        {**scores(gold, found, mask), "k": k, "other": in_other, "s": spent}
                    )
                mean = pd.DataFrame(cells).mean()
                rows.append(
                    {
                        "set": set_name,
                        "rows": len(d),
                        "codes": len(set(gold[mask])),
                        "method": method,
                        "embedding": rep,
                        **mean.to_dict(),
                    }
                )
                print(rows[-1], flush=True)
    t = pd.DataFrame(rows)
    lines = [
        "Discovered themes against the analysts' codes on the three labelled development sets "
        "(NHS FFT phase 2: single-label rows scored, every row clustered). fairer with its "
        "defaults; BERTopic with its defaults (UMAP 5-d, HDBSCAN, clusters of 10 or more) on the "
        "same embeddings. Outliers and `Other` count as one cluster. Mean of seeds 0 and 1. "
        "Reproduce: `pip install bertopic; python benchmarks/voices_themes.py`.",
        "",
        "| set (rows, codes) | method | embedding | themes | NMI | AMI | in Other / outliers | time |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in t.itertuples():
        lines.append(
            f"| {r.set} ({r.rows:,}, {r.codes}) | {r.method} | {r.embedding} | {r.k:.0f} | "
            f"{r.nmi:.3f} | {r.ami:.3f} | {r.other:.0%} | {r.s:.1f} s |"
        )
    lines += [
        "",
        "NMI rises with the number of clusters whatever they hold; AMI is corrected for chance. "
        "Aims (issue 15): NMI ≥ 0.50 on phase 2 and above BERTopic on all three sets.",
    ]
    record("voices-themes", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    os.environ.setdefault("FAIRER_THREADS", "2")
    main()

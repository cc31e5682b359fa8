"""The shipped store of the fixed texts' vectors, and the command that regenerates it.

Embedding the ~8,000 fixed texts takes half a minute; a server starts in well under a second
because their vectors ship as `knowledge/embeddings.npz` (float16, keyed by text, with the
identity of the model that made them). After changing the principles or a vocabulary file, run

    python -m knowledge.embeddings

A test checks that the store holds every current fixed text and that the model still produces
the stored vectors. A store made by another model is ignored, and a text it lacks is embedded
when the index is built, so a stale store costs start-up time, never correctness.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.semantic import Model, Phrase, fixed_texts, load_model, model_identity

STORE = Path(__file__).with_name("embeddings.npz")
BATCH = 64


def read_store(path: Path = STORE) -> tuple[str, dict[str, np.ndarray]]:
    """The store's model identity and its vectors by text; empty when there is no store."""
    if not path.exists():
        return "", {}
    with np.load(path, allow_pickle=False) as data:
        texts = data["texts"].tolist()
        vectors = data["vectors"]
        model = str(data["model"])
    return model, dict(zip(texts, vectors, strict=True))


def vectors_for(phrases: Sequence[Phrase], model: Model,
                path: Path = STORE) -> np.ndarray:
    """The vectors of `phrases`, from the store where it has them, embedded otherwise."""
    stored_model, stored = read_store(path)
    if stored_model != model_identity():
        stored = {}
    missing = list(dict.fromkeys(p.text for p in phrases if p.text not in stored))
    fresh = dict(zip(missing, embed_all(missing, model), strict=True))
    return np.array([stored[p.text] if p.text in stored else fresh[p.text] for p in phrases],
                    dtype=np.float32).reshape(len(phrases), -1)


def embed_all(texts: Sequence[str], model: Model) -> list[np.ndarray]:
    vectors: list[np.ndarray] = []
    for start in range(0, len(texts), BATCH):
        batch = list(texts[start:start + BATCH])
        vectors.extend(np.asarray(model.query(batch), dtype=np.float32).reshape(len(batch), -1))
    return vectors


def write_store(texts: Sequence[str], vectors: Sequence[np.ndarray], path: Path = STORE) -> None:
    order = sorted(range(len(texts)), key=texts.__getitem__)
    np.savez_compressed(
        path,
        texts=np.array([texts[i] for i in order]),
        vectors=np.array([vectors[i] for i in order], dtype=np.float16),
        model=np.array(model_identity()),
    )


def regenerate(path: Path = STORE) -> int:
    """Embed every fixed text of the built-in knowledge and vocabularies; write the store."""
    from knowledge.loader import load_knowledge
    from knowledge.vocabulary import load_vocabularies

    knowledge = load_knowledge()
    phrases = fixed_texts(knowledge, load_vocabularies(knowledge))
    texts = list(dict.fromkeys(p.text for p in phrases))
    write_store(texts, embed_all(texts, load_model()), path)
    return len(texts)


if __name__ == "__main__":
    count = regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else STORE)
    print(f"embedded {count} fixed texts into {sys.argv[1] if len(sys.argv) > 1 else STORE}")

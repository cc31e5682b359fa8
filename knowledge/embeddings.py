"""The shipped store of the fixed texts' vectors, and the command that regenerates it.

Embedding the ~11,000 fixed texts takes about a minute; a server starts in well under a second
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

from knowledge.semantic import Model, Phrase, chatter_texts, fixed_texts, load_model

STORE = Path(__file__).with_name("embeddings.npz")
BATCH = 64
SEPARATOR = "\x1e"  # the record separator: no fixed text contains it


def read_store(path: Path = STORE) -> tuple[str, dict[str, int], np.ndarray]:
    """The store's model identity, each text's row and the vectors; empty without a store."""
    if not path.exists():
        return "", {}, np.zeros((0, 0), dtype=np.float16)
    with np.load(path, allow_pickle=False) as data:
        texts = data["texts"].tobytes().decode("utf-8").split(SEPARATOR)
        vectors = data["vectors"]
        model = str(data["model"])
    return model, {text: row for row, text in enumerate(texts)}, vectors


def vectors_for(phrases: Sequence[Phrase], model: Model,
                path: Path = STORE) -> np.ndarray:
    """The vectors of `phrases`, from the store where it has them, embedded otherwise."""
    stored_model, rows, stored = read_store(path)
    if stored_model != model.identity:
        rows = {}
    missing = list(dict.fromkeys(p.text for p in phrases if p.text not in rows))
    if not missing:
        return stored[[rows[p.text] for p in phrases]].astype(np.float32)
    fresh = dict(zip(missing, embed_all(missing, model), strict=True))
    return np.array([stored[rows[p.text]] if p.text in rows else fresh[p.text]
                     for p in phrases], dtype=np.float32).reshape(len(phrases), -1)


def embed_all(texts: Sequence[str], model: Model) -> list[np.ndarray]:
    vectors: list[np.ndarray] = []
    for start in range(0, len(texts), BATCH):
        batch = list(texts[start:start + BATCH])
        vectors.extend(np.asarray(model.query(batch), dtype=np.float32).reshape(len(batch), -1))
    return vectors


def write_store(texts: Sequence[str], vectors: Sequence[np.ndarray], identity: str,
                path: Path = STORE) -> None:
    """Uncompressed (float16 vectors barely compress, and reading is faster), texts as one
    UTF-8 block (a fixed-width string array would take several times the memory)."""
    order = sorted(range(len(texts)), key=texts.__getitem__)
    joined = SEPARATOR.join(texts[i] for i in order).encode("utf-8")
    with path.open("wb") as out:
        np.savez(out, texts=np.frombuffer(joined, dtype=np.uint8),
                 vectors=np.array([vectors[i] for i in order], dtype=np.float16),
                 model=np.array(identity))


def regenerate(path: Path = STORE) -> int:
    """Embed every fixed text of the built-in knowledge and vocabularies; write the store."""
    from knowledge.loader import load_knowledge
    from knowledge.vocabulary import load_chatter, load_vocabularies

    knowledge = load_knowledge()
    phrases = fixed_texts(knowledge, load_vocabularies(knowledge)) + chatter_texts(load_chatter())
    texts = list(dict.fromkeys(p.text for p in phrases))
    model = load_model()
    write_store(texts, embed_all(texts, model), model.identity, path)
    return len(texts)


if __name__ == "__main__":
    count = regenerate(Path(sys.argv[1]) if len(sys.argv) > 1 else STORE)
    print(f"embedded {count} fixed texts into {sys.argv[1] if len(sys.argv) > 1 else STORE}")

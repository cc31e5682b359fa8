"""Questions written in other languages find the practice; the source text stays English."""

from __future__ import annotations

import pytest

from knowledge.compounds import compound_parts
from knowledge.language import analyser, detect_language
from knowledge.lexical import LexicalIndex


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("comment éviter la dépendance à un seul fournisseur ?", "fr"),
        ("¿cómo publicamos el código fuente de la aplicación?", "es"),
        ("Wie gehen wir mit unserem alten Großrechner um?", "de"),
        ("como medimos se o serviço está a funcionar bem?", "pt"),
        ("come possiamo semplificare la gara d'appalto?", "it"),
        ("hoe zorgen we dat de website toegankelijk is voor iedereen?", "nl"),
        ("웹 접근성을 어떻게 개선하나요?", "ko"),
        ("古いシステムをどう置き換えるか", "ja"),
        ("who owns the data in this project", "en"),
        ("die hard fans of agile", "en"),
        ("la la land", "en"),
        ("a data strategy for the department in 2024", "en"),
    ],
)
def test_the_language_is_told_by_script_or_function_words(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("pourquoi les usagers doivent-ils redonner les mêmes pièces à chaque démarche ?",
         "fr", "10.3"),
        ("comment rendre notre site accessible aux personnes aveugles ?", "fr", "1.5"),
        ("¿cómo evitamos depender de un único proveedor de software?", "es", "3.2"),
        ("Wie können wir den Quellcode unserer Anwendung veröffentlichen?", "de", "3.4"),
        ("o site caiu no último dia do prazo, o que devemos fazer?", "pt", "4.5"),
        ("come coinvolgiamo i cittadini nella progettazione fin dall'inizio?", "it", "2.1"),
        ("hoe zorgen we dat burgers niet steeds dezelfde gegevens hoeven in te vullen?",
         "nl", "10.3"),
        ("시각장애인도 우리 웹사이트를 쓸 수 있게 하려면?", "ko", "1.5"),
        ("클라우드를 쓸까요, 서버를 직접 구축할까요?", "ko", "9.4"),
        ("申請のたびに同じ書類を出してもらうのをやめたい", "ja", "10.3"),
    ],
)
def test_a_question_in_another_language_finds_the_practice(index, text, language, expected):
    answer = index.search(text)
    assert answer.language == language
    assert answer.confident
    assert answer.matches[0].practice.id == expected
    # The source text is never translated: titles stay the OECD's English.
    assert answer.matches[0].practice.title == index.knowledge.practice(expected).title
    assert answer.to_json()["language"] == language


def test_a_compound_is_split_into_the_words_it_is_made_of():
    known = {"barrierefreiheit", "erklärung", "nutzer", "forschung"}.__contains__
    assert compound_parts("barrierefreiheitserklärung", known) == ["barrierefreiheit",
                                                                   "erklärung"]
    assert compound_parts("nutzerforschungserklärung", known) == ["nutzer", "forschung",
                                                                  "erklärung"]
    # Unless every part is a known word: a guessed split finds false friends.
    assert compound_parts("nutzerkonto", known) == []
    assert compound_parts("nutzer", known) == []


def test_compounds_match_their_parts_in_german_and_dutch():
    documents = [{"vocabulary": ["Barrierefreiheit", "Erklärung"]},
                 {"vocabulary": ["Nutzerforschung", "Interviews"]},
                 {"vocabulary": ["Forschung und Entwicklung", "Nutzer"]}]
    index = LexicalIndex(documents, {"vocabulary": 1.0}, analyser("de"))
    [first, *_] = index.rank(index.query_terms("Barrierefreiheitserklärung"))
    assert first.doc == 0
    # The vocabulary's own compounds are found by their parts.
    assert {hit.doc for hit in index.rank(index.query_terms("Forschung"))} == {1, 2}
    english = LexicalIndex(documents, {"vocabulary": 1.0}, analyser("en"))
    assert english.rank(english.query_terms("Barrierefreiheitserklärung")) == []


def test_other_languages_leave_their_function_words_out_of_the_terms():
    words = [w.surface for w in analyser("de").words("Welche Daten brauchen wir, wenn wir "
                                                     "umziehen?")]
    assert "welche" not in words and "wenn" not in words and "daten" in words
    # They still do not decide the language: "an", "als" are English words too.
    assert detect_language("an app as a service") == "en"

"""Questions written in other languages find the practice; the source text stays English."""

from __future__ import annotations

import pytest

from knowledge.language import detect_language


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

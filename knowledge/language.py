"""Which language a question is written in, and each language's analyser.

The curated vocabularies exist in English and in the languages below. A question's language is
told by its script (Hangul is Korean; kana, or kanji without Hangul, is Japanese) or, for the
Latin-script languages, by which language's function words it uses most: short questions carry
several of them ("comment", "est-ce que", "wie", "können wir"), and a vocabulary word proves
nothing (teams write "user research" in French too). Too little evidence means English.
"""

from __future__ import annotations

import re
from functools import cache

from knowledge.text import ENGLISH, ENGLISH_STOP_WORDS, Analyser, fold, normalise

LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "de": "German",
                  "pt": "Portuguese", "it": "Italian", "nl": "Dutch", "ko": "Korean",
                  "ja": "Japanese"}

# Frequent function words, accents folded. Words shared by two languages count for both.
_FUNCTION_WORDS = {
    "fr": """mais donc car ainsi alors ici cela ceci celui celle ceux leurs nos votre vous lui eux
        autre autres avant apres entre chez vers sous depuis pendant selon toujours jamais rien
        personne quelque quelques peut-etre ont sommes suis etait sera seront fait faites le la
        les un une des du de au aux et ou est sont nous vous ils elles on que qui quoi comment
        pourquoi quand dans pour par avec sans sur ce cette ces notre nos votre vos leur leurs
        mon ma mes son sa ses ne pas plus tres faut faire peut peuvent doit doivent avons avez
        ont etre avoir quel quelle quels quelles comme aussi encore deja chaque tout tous toutes
        il elle je j nous qu d l c n s y en""",
    "es": """pero entonces aqui eso esto esa ese aquel otro otros otra antes despues entre hacia
        desde durante segun siempre nunca nada alguien algun alguna algunos hemos han ha fue
        sera estan esta estamos tiene hace hacer podemos debemos nos vuestro usted ustedes el la
        los las un una unos unas y o es son nosotros vosotros ellos que quien como por porque
        cuando donde para con sin sobre este esta estos estas nuestro nuestra nuestros nuestras
        su sus no mas muy hay debe deben puede pueden tenemos tienen ser estar cual cuales
        tambien todavia ya cada todo todos del al lo se le les me mi""",
    "de": """aber denn also hier dies diese dieser dieses jener andere anderen vor nach zwischen
        gegen seit wahrend immer nie nichts jemand etwas einige wurde werden wird worden war
        waren bin bist hat hatte machen kann wollen gibt uns euch ihm ihn der die das den dem
        des ein eine einen einem einer und oder ist sind wir ihr sie es wie warum wann wo was
        wer fur mit ohne auf bei zu zum zur im in nicht kein keine mehr sehr muss mussen kann
        konnen soll sollen haben hat unser unsere unseren ihre ihren mein meine jeder jede jedes
        auch noch schon immer alle dass ob man sich""",
    "pt": """mas entao aqui isso isto essa esse aquele outro outros outra antes depois entre desde
        durante sempre nunca nada alguem algum alguma alguns existe gente pra num numa foi sera
        estao estamos tem temos ter fazer podemos devemos voce voces nos o a os as um uma uns
        umas e ou e sao nos voces eles elas que quem como por porque quando onde para com sem
        sobre este esta estes estas nosso nossa nossos nossas seu sua seus suas nao mais muito
        ha deve devem pode podem temos tem ser estar qual quais tambem ainda ja cada todo todos
        do da dos das no na nos nas ao se lhe me meu minha pelo pela pelos pelas""",
    "it": """ma quindi allora qui questo quello altro altri altra prima dopo tra fra verso
        da durante
        sempre mai niente qualcuno qualche alcuni era sara stato sono siamo hanno ha fa fare
        vorremmo vogliamo lei loro gli il lo la i gli le un uno una e o sono noi voi loro che
        chi come perche quando dove per con senza su questo questa questi queste nostro nostra
        nostri nostre suo sua suoi sue non piu molto deve devono puo possono abbiamo hanno
        essere avere quale quali anche ancora gia ogni tutto tutti del della dei degli delle al
        alla nel nella si ci mi mio mia possiamo dobbiamo ci sono gli perché cosa fare""",
    "nl": """maar dus hier dit deze die dat ander andere voor na tussen sinds tijdens altijd nooit
        niets iemand iets enkele werd worden was waren ben bent heeft had maken willen hun haar
        hem ons jullie de het een en of is zijn wij we jullie zij ze die dat wat wie hoe waarom
        wanneer waar voor met zonder op bij naar in niet geen meer zeer heel moet moeten kan
        kunnen zal zullen hebben heeft ons onze hun mijn elke ieder ook nog al alle dan van er
        wordt worden""",
}
FUNCTION_WORDS = {lang: frozenset(fold(w) for w in text.split())
                  for lang, text in _FUNCTION_WORDS.items()}
# More words that say nothing about a practice, left out of the terms but not used to tell the
# language (several are English words too, or common to two of these languages).
_MORE_STOP_WORDS = {
    "fr": """est-ce qu'on c'est n'est peut-on a-t-on ça ca ni certains certaines vraiment mieux
        devrait voudrait pourrait sait savoir cas fois bien tres trop peu plusieurs""",
    "es": """hay que esto eso algo muy mucho muchos poco cosa cosas vez veces bien mejor
        deberiamos podriamos quiero queremos sabe saber caso casos""",
    "de": """an um ab aus als beim wenn welche welchen welcher welches welchem dabei dafur
        damit darum deren dessen bevor so tun geht gehen wäre waren wurden sollten sollte
        möchten mochten konnten durfen darf mal ganz gar einfach eigentlich kaum""",
    "pt": """isso isto algo muito muitos pouco coisa coisas vez vezes bem melhor deveriamos
        poderiamos quero queremos sabe saber caso casos""",
    "it": """c'è ce questo quello molto molti poco cosa cose volta volte bene meglio dovremmo
        potremmo voglio sapere caso casi""",
    "nl": """om te aan uit als je jij jullie welke wel dan via tenzij hoe wat zo doen gaan gaat
        zou zouden willen wil kunt kun mag moet eigenlijk even gewoon echt erg veel weinig""",
}
STOP_WORDS = {lang: words | frozenset(fold(w) for w in _MORE_STOP_WORDS.get(lang, "").split())
              for lang, words in FUNCTION_WORDS.items()}
_ENGLISH_FUNCTION = frozenset(ENGLISH_STOP_WORDS)
_LATIN_WORD = re.compile(r"[^\W\d_]+")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u9fff]")
# Characters that only some of the languages use tip a close call.
_MARKERS = {"de": re.compile(r"[äöüß]"), "es": re.compile(r"[ñ¿¡]"),
            "pt": re.compile(r"[ãõ]|ção|ções|ês\b"),
            "fr": re.compile(r"[èœù]|\bqu'|\bj'|\bc'est|\bn'|eux\b|\baux\b"),
            "it": re.compile(r"\b(?:perch|cos|pi)[èé]|\bun'"),
            "nl": re.compile(r"\bij|\bzij\b|ij[kn]?\b")}


def detect_language(text: str) -> str:
    """An ISO 639-1 code among LANGUAGE_NAMES; "en" when the evidence is thin."""
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text) or _HAN.search(text):
        return "ja"
    lowered = normalise(text)
    tokens = [fold(t) for t in _LATIN_WORD.findall(lowered)]
    if not tokens:
        return "en"
    english = sum(t in _ENGLISH_FUNCTION for t in tokens)
    best, best_hits = "en", 0.0
    for lang, vocabulary in FUNCTION_WORDS.items():
        # Words English shares ("a", "in", "of", "die") count only beside the language's own.
        own = len({t for t in tokens if t in vocabulary and t not in _ENGLISH_FUNCTION})
        hits = sum(t in vocabulary for t in tokens) if own >= 2 else own
        hits += 1.5 * len(_MARKERS[lang].findall(lowered))
        if hits > best_hits:
            best, best_hits = lang, hits
    # One or two stray words ("de", "la", "die") in an English question decide nothing.
    if best_hits >= 2 and best_hits > english * 1.2:
        return best
    return "en"


@cache
def analyser(language: str) -> Analyser:
    """The analyser of a language's vocabulary and of questions written in it."""
    if language == "en":
        return ENGLISH
    return Analyser(language, STOP_WORDS.get(language, frozenset()))

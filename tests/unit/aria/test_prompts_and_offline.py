from __future__ import annotations

from datetime import date

from nexus.accounts.roles import Role
from nexus.aria.prompts import CONTEXT_CLOSE, CONTEXT_OPEN, chat_turns, context_message
from nexus.aria.providers.base import ChatTurn, Completion, Delta, Usage, estimate_tokens
from nexus.aria.providers.offline import OFFLINE_LABEL, offline_stream, offline_text
from nexus.aria.retrieval import Learner, excerpt, sentences
from nexus.content.models import ContentItem
from nexus.content.search import SearchHit
from nexus.content.vocabulary import ContentKind, Level, Subject
from tests.factories.content import ContentItemFactory


def _item(item_id: int, kind: ContentKind, title: str, body: str) -> ContentItem:
    item: ContentItem = ContentItemFactory.build(
        id=item_id,
        kind=kind,
        title=title,
        subject=Subject.NSI,
        level=Level.TERMINALE,
        chapter="Structures de données",
        difficulty=2,
        summary="Résumé.",
        body=body,
        solution="SECRET SOLUTION",
    )
    return item


def test_the_system_prompt_is_adapted_to_the_learner_and_never_holds_user_text() -> None:
    learner = Learner(1, Role.STUDENT, Level.PREMIERE, (Subject.MATHEMATIQUES,), date(2027, 6, 15))
    turns = chat_turns(learner, [], [ChatTurn("assistant", "Bonjour !")], "mon mail a@b.fr")
    rules = turns[0].content
    assert "élève de Première ; spécialités : mathématiques ; examen le 15 juin 2027." in rules
    assert "a@b.fr" not in rules and "mon mail" not in rules
    assert [t.role for t in turns] == ["system", "system", "assistant", "user"]
    assert turns[-1].content == "mon mail [email]"
    assert "Aucune ressource de la banque" in turns[1].content


def test_an_unknown_profile_is_a_generic_lycee_student() -> None:
    rules = chat_turns(Learner(1, Role.STUDENT), [], [], "?")[0].content
    assert "Profil : lycéen ou lycéenne." in rules


def test_the_context_is_fenced_and_long_bodies_are_cut_to_the_relevant_part() -> None:
    long_body = "Phrase sans rapport. " * 100 + "Une pile suit le principe LIFO."
    item = _item(3, ContentKind.LESSON, "Piles", long_body)
    context = context_message([SearchHit(item, 5.0)], "principe de la pile")
    assert context.index(CONTEXT_OPEN) < context.index("[#3] Piles") < context.index(CONTEXT_CLOSE)
    assert "LIFO" in context and len(context) < 1600
    assert "SECRET" not in context


def test_excerpt_picks_the_sentences_closest_to_the_question() -> None:
    text = "Les piles sont LIFO. Les listes chaînées relient des maillons. Le ciel est bleu."
    assert excerpt(text, "maillons des listes chaînées", 60) == (
        "Les listes chaînées relient des maillons."
    )
    assert excerpt("x" * 500, "x", 50).endswith("…")
    assert sentences("1. Calculer f'(x).\n2. En déduire f'(1) ?") == [
        "1. Calculer f'(x).",
        "2. En déduire f'(1) ?",
    ]


def test_the_offline_answer_is_labelled_and_advises_lesson_then_exercise() -> None:
    lesson = _item(
        1, ContentKind.LESSON, "Listes chaînées", "Une liste chaînée relie des maillons."
    )
    exercise = _item(2, ContentKind.EXERCISE, "Longueur", "Compter les maillons ?")
    text = offline_text("listes chaînées", [SearchHit(lesson, 9), SearchHit(exercise, 5)])
    assert text.startswith(OFFLINE_LABEL)
    assert "1. « Listes chaînées » (leçon, NSI, Terminale" in text and "ressource #1" in text
    assert "Conseil : lis d'abord « Listes chaînées », puis entraîne-toi" in text
    assert "SECRET" not in text
    only_exercise = offline_text("maillons", [SearchHit(exercise, 5)])
    assert "Conseil : essaie l'exercice « Longueur »" in only_exercise
    only_lesson = offline_text("maillons", [SearchHit(lesson, 5)])
    assert "Conseil : relis « Listes chaînées »" in only_lesson


def test_the_offline_stream_replays_the_answer_line_by_line() -> None:
    completion = Completion("a\nb\nc", Usage(1, 2, True))
    parts = list(offline_stream(completion))
    assert parts[:-1] == [Delta("a\n"), Delta("b\n"), Delta("c")]
    assert parts[-1] == completion.usage


def test_token_estimates() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abc") == 1
    assert estimate_tokens("x" * 400) == 100


def test_leaks_spots_runs_of_solution_words_and_short_solutions() -> None:
    from nexus.aria.leaks import leaks

    solution = "On pose u(x) = x² + 1 et v(x) = 3x − 2 donc u'(x) = 2x et v'(x) = 3."
    assert leaks("Regarde : on pose u(x) = x² + 1 et v(x) = 3x, c'est tout.", solution)
    assert not leaks("Pose u et v, puis dérive chacun.", solution)
    assert leaks("La réponse est C(n) = 1000 × 1,03^n.", "C(n) = 1000 × 1,03^n")
    assert not leaks("C(n) dépend de n.", "C(n) = 1000 × 1,03^n")
    assert not leaks("Tout texte", None)
    assert not leaks("Tout texte", "— …")

"""The Snowball stemmer keeps its current word in itself: each thread needs its own."""

from __future__ import annotations

import threading

from nexus.content import analysis

WORDS = [
    f"{stem}{ending}"
    for stem in ("dériv", "fonction", "probabil", "vecteur", "énergi")
    for ending in ("ée", "ées", "ations", "ement", "ités", "ique", "iques", "eront")
]


def test_threads_stem_with_their_own_stemmer_and_agree_with_one_thread() -> None:
    expected = [analysis._stemmer().stemWord(w) for w in WORDS]  # pylint: disable=protected-access
    seen: list[object] = []
    results: list[list[str]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work() -> None:
        stemmer = analysis._stemmer()  # pylint: disable=protected-access
        seen.append(stemmer)
        start.wait()
        try:
            for _ in range(200):
                results.append([stemmer.stemWord(w) for w in WORDS])
        except BaseException as exc:  # pylint: disable=broad-exception-caught
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({id(s) for s in seen}) == 8
    assert analysis._stemmer() not in seen  # pylint: disable=protected-access
    assert all(result == expected for result in results)

"""Optional pretraining documents (code-switched, near-repeats): off by default, seeded, what they claim to be."""

import re

from xlib.synth.code_switch import code_switched
from xlib.synth.pretrain import PretrainConfig, _documents
from xlib.synth.sampling import monolingual_corpus
from xlib.synth.world import get_world

SMALL = dict(sentences_per_language=40, languages=["en", "sva", "cyr"])


def test_off_by_default_and_the_settings_hash_is_unchanged():
    off = PretrainConfig.from_dict(SMALL)
    assert off.code_switch_fraction == 0.0
    assert len(_documents(off)) == 3 * 10
    on = PretrainConfig.from_dict({**SMALL, "code_switch_fraction": 0.5})
    assert on.key() != off.key()
    # 5 documents per direction for each of the two non-English languages
    assert len(_documents(on)) == 3 * 10 + 2 * 2 * 5
    assert _documents(on) == _documents(on)


def test_switched_words_are_the_other_languages_words_for_the_same_concept():
    world = get_world()
    sentences = monolingual_corpus("sva", 200)
    switched = " ".join(code_switched("sva", sentences, "en", seed=0)).split()
    original = " ".join(sentences).split()
    assert len(switched) == len(original)  # word for word
    english = {forms[0]: concept for concept, forms in world.lexicon["en"].items()}
    sva = {form: concept for concept, forms in world.lexicon["sva"].items() for form in forms}
    changed = [(a, b) for a, b in zip(original, switched) if a != b]
    assert len(changed) > 50
    assert all(sva[a] == english[b] for a, b in changed)
    # about half of the switchable words switch
    switchable = sum(1 for w in original if w in sva)
    assert 0.35 < len(changed) / switchable < 0.65
    assert code_switched("sva", sentences, "en", seed=1) != code_switched("sva", sentences, "en", seed=0)


def test_other_scripts_switch_in_their_own_script():
    cyr = " ".join(code_switched("en", monolingual_corpus("en", 100), "cyr", seed=0))
    assert any("\u0400" <= ch <= "\u04ff" for ch in cyr)  # Cyrillic words inside English text


def test_edit_pairs_are_near_repeats_in_the_language():
    from xlib.synth.edit_pairs import edit_pair_documents

    on = PretrainConfig.from_dict({**SMALL, "edit_pair_fraction": 0.5})
    assert on.key() != PretrainConfig.from_dict(SMALL).key()
    assert len(_documents(on)) == 3 * 10 + 3 * 5  # every language, English included
    docs = edit_pair_documents("sva", 30, seed=0)
    assert docs == edit_pair_documents("sva", 30, seed=0) != edit_pair_documents("sva", 30, seed=1)
    for doc in docs:
        sentences = [s.strip() + " ." for s in doc.split(" .") if s.strip()]
        assert len(sentences) == 4
        for a, b in (sentences[:2], sentences[2:]):
            shared = set(a.split()) & set(b.split())
            assert a != b and len(shared) >= 2, (a, b)


def _sentences(text: str) -> list[str]:
    """Split a document at its sentence ends (" ." and " ?")."""
    return [s.strip() for s in re.split(r"(?<= [.?]) ", text) if s.strip()]


def test_parallel_documents_are_one_passage_in_english_and_in_the_language():
    from xlib.synth.parallel import parallel_documents

    on = PretrainConfig.from_dict({**SMALL, "parallel_fraction": 0.5})
    assert PretrainConfig.from_dict(SMALL).parallel_fraction == 0.0
    assert on.key() != PretrainConfig.from_dict(SMALL).key()
    assert len(_documents(on)) == 3 * 10 + 2 * 5  # the two non-English languages only
    docs = parallel_documents("sva", 40, seed=0)
    assert docs == parallel_documents("sva", 40, seed=0) != parallel_documents("sva", 40, seed=1)
    english_words = {w for s in monolingual_corpus("en", 3000) for w in s.split() if w.isalpha() and w.islower()}
    english_first = 0
    for doc in docs:
        sentences = _sentences(doc)
        assert len(sentences) == 4, doc
        halves = [" ".join(sentences[:2]).split(), " ".join(sentences[2:]).split()]
        is_english = [sum(w in english_words for w in half) for half in halves]
        assert min(is_english) == 0 < max(is_english), doc  # one half English, the other none of its words
        english_first += is_english[0] > 0
        # sva shares names and digits with English: the two halves name the same people, places and numbers
        anchors = [sorted(w for w in half if w[0].isupper() or w.isdigit()) for half in halves]
        assert anchors[0] == anchors[1], doc
    assert 10 < english_first < 30  # the side that comes first is drawn per document


def test_parallel_documents_keep_each_languages_script():
    from xlib.synth.parallel import parallel_documents

    for doc in parallel_documents("cyr", 10, seed=0):
        cyrillic = [any("\u0400" <= ch <= "\u04ff" for ch in s) for s in _sentences(doc)]
        assert cyrillic in ([False, False, True, True], [True, True, False, False]), doc
    try:
        parallel_documents("en", 1, seed=0)
    except ValueError as error:
        assert "English" in str(error)
    else:
        raise AssertionError("parallel_documents('en') must be refused")

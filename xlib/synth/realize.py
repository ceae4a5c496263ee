"""Realising a meaning in one synthetic language: word order, morphology, function words, script."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from .grammars import _CYR_END, _GRAMMAR, _GRK_END
from .languages import _check_lang
from .meanings import QUESTION_KINDS, Event, Meaning, Question, State, Token
from .world import World


# --------------------------------------------------------------------------------------------------
# Scripts
# --------------------------------------------------------------------------------------------------

_CYR_DI = {"shch": "щ", "zh": "ж", "ch": "ч", "sh": "ш", "ts": "ц"}
_CYR = dict(zip("abcdefghijklmnopqrstuvwxyz", "абкдефгхийклмнопкрстувввзыз"))
_CYR["x"], _CYR["y"], _CYR["z"] = "кс", "ы", "з"
_GRK_DI = {"th": "θ", "ph": "φ", "ch": "χ", "ps": "ψ", "ks": "ξ"}
_GRK = dict(zip("abcdefghijklmnopqrstuvwxyz", "αβκδεφγχιικλμνοπκρστυβωξυζ"))


def to_script(text: str, script: str) -> str:
    """Return ``text`` (Latin letters) transliterated into ``script`` (Latin, Cyrillic or Greek), per token."""
    if script == "Latin":
        return text
    if script not in ("Cyrillic", "Greek"):
        raise ValueError(f"unknown script {script!r}; expected Latin, Cyrillic or Greek")
    return " ".join(_translit_word(w, script) for w in text.split(" "))


@lru_cache(maxsize=65536)
def _translit_word(word: str, script: str) -> str:
    digraphs, single = (_CYR_DI, _CYR) if script == "Cyrillic" else (_GRK_DI, _GRK)
    low, out, i = word.lower(), [], 0
    while i < len(low):
        for size in (4, 3, 2):
            if low[i : i + size] in digraphs:
                out.append(digraphs[low[i : i + size]])
                i += size
                break
        else:
            out.append(single.get(low[i], low[i]))
            i += 1
    res = "".join(out)
    if script == "Greek" and res.endswith("σ"):
        res = res[:-1] + "ς"
    if word[:1].isupper():
        res = res[:1].upper() + res[1:]
    return res


# --------------------------------------------------------------------------------------------------
# Realisation
# --------------------------------------------------------------------------------------------------


def _tok(text, upos, ccg, ner="O") -> Token:
    return Token(text, upos, ner, ccg)


class _Realizer:
    """Builds Latin-script tokens for one language; ``realize`` applies the script at the end."""

    def __init__(self, world: World, lang: str, synonyms: bool = False):
        self.w, self.lang, self.g, self.syn = world, lang, _GRAMMAR[lang], synonyms
        self.order = self.g["order"]
        self.lex = world.lexicon[lang]

    # -- words ------------------------------------------------------------------------------------
    def stem(self, cid: str) -> str:
        forms = self.lex[cid]
        return forms[1] if self.syn and len(forms) > 1 else forms[0]

    def name(self, cid: str) -> list[Token]:
        t = self.w.entity_type(cid)
        parts = self.w.names[cid]
        if len(parts) == 1:
            return [_tok(parts[0], "PROPN", "NP", f"B-{t}")]
        return [
            _tok(p, "PROPN", "N/N" if i < len(parts) - 1 else "N", f"{'B' if i == 0 else 'I'}-{t}")
            for i, p in enumerate(parts)
        ]

    def number(self, k: int) -> Token:
        text = self.w.number_words[self.lang][k] if self.lang in self.w.number_words else str(k)
        return _tok(text, "NUM", "N/N")

    def noun_form(self, noun: str, case: str, plural: bool, numbered: bool) -> str:
        s, lang = self.stem(noun), self.lang
        if lang == "en":
            return s + ("es" if s.endswith(("s", "sh", "ch", "x")) else "s") if plural else s
        if lang == "svb":
            return s + ("ir" if plural else "") + ("om" if case == "acc" else "")
        if lang == "sov":  # numerals take the singular; bare plurals are marked
            return s + ("nu" if plural and not numbered else "") + ("yi" if case == "acc" else "")
        if lang == "vso":
            return ("i" if case == "acc" else "") + ("ma" if plural else "") + s
        if lang == "cyr":
            return s + _CYR_END[(case, plural)]
        if lang == "grk":
            return s + _GRK_END[self.w.noun_class[noun]][(case, plural)]
        return s

    def adj_form(self, adj: str, cls: int, case: str, plural: bool) -> str:
        s = self.stem(adj)
        return s + _GRK_END[cls][(case, plural)] if self.lang == "grk" else s

    def det(self, cls: int, case: str, plural: bool) -> Token | None:
        d = self.g["det"]
        if d is None:
            return None
        if self.lang == "grk":
            d = d + _GRK_END[cls][(case, plural)]
        return _tok(d, "DET", "NP/N")

    def np(
        self, noun: str, case: str, adj: str | None = None, number: int | None = None, plural: bool = False
    ) -> list[Token]:
        plural = plural or number is not None
        cls = self.w.noun_class[noun]
        out: list[Token] = []
        if number is None:
            d = self.det(cls, case, plural)
            if d:
                out.append(d)
        else:
            out.append(self.number(number))
        head = _tok(self.noun_form(noun, case, plural, number is not None), "NOUN", "N")
        if adj is None:
            out.append(head)
        elif self.g["adj"] == "pre":
            out += [_tok(self.adj_form(adj, cls, case, plural), "ADJ", "N/N"), head]
        else:
            out += [head, _tok(self.adj_form(adj, cls, case, plural), "ADJ", "N\\N")]
        return out

    # -- verbs ------------------------------------------------------------------------------------
    def verb_ccg(self, transitive: bool) -> str:
        if self.order == "VSO":
            return "(S/NP)/NP" if transitive else "S/NP"
        if self.order == "SOV":
            return "(S\\NP)\\NP" if transitive else "S\\NP"
        return "(S\\NP)/NP" if transitive else "S\\NP"

    def verb_form(self, verb: str, obj_plural: bool, negated: bool = False, base: bool = False) -> str:
        s, lang = self.stem(verb), self.lang
        if lang == "en":
            return s if base else s + ("d" if s.endswith("e") else "ed")
        if lang == "svb":
            return s + ("etu" if obj_plural else "et")
        if lang == "sov":
            return s + ("ma" if negated else "") + "di"
        if lang == "vso":
            return "ro" + s
        if lang == "cyr":
            return s + "al"
        if lang == "grk":
            return s + ("isan" if obj_plural else "ise")
        return s

    def verb_group(self, ev: Event) -> list[Token]:
        tr = self.w.transitive(ev.verb)
        pl = ev.plural or ev.number is not None
        vtag = self.verb_ccg(tr)
        if self.lang == "en":
            if ev.negated:
                return [
                    _tok(self.g["do"], "AUX", "(S\\NP)/(S\\NP)"),
                    _tok("not", "PART", "(S\\NP)\\(S\\NP)"),
                    _tok(self.verb_form(ev.verb, pl, base=True), "VERB", vtag),
                ]
            return [_tok(self.verb_form(ev.verb, pl), "VERB", vtag)]
        v = _tok(self.verb_form(ev.verb, pl, negated=ev.negated), "VERB", vtag)
        if ev.negated and self.g["neg_kind"] == "particle":
            ntag = "(S/NP)/(S/NP)" if self.order == "VSO" else "(S\\NP)/(S\\NP)"
            return [_tok(self.g["neg"], "PART", ntag), v]
        return [v]

    def pp(self, kind: str, cid: str, fronted: bool = False) -> list[Token]:
        if kind == "loc":
            word = self.g["loc_org"] if cid.startswith("O") else self.g["loc"]
        else:
            word = self.g["com"]
        if self.g["adp"] == "pre":
            tag = "(S/S)/NP" if fronted else ("(S\\S)/NP" if self.order == "VSO" else "((S\\NP)\\(S\\NP))/NP")
            return [_tok(word, "ADP", tag)] + self.name(cid)
        tag = "(S/S)\\NP" if fronted else "((S\\NP)/(S\\NP))\\NP"
        return self.name(cid) + [_tok(word, "ADP", tag)]

    def arrange(self, S, V, O, X) -> list[Token]:
        if self.order == "SVO":
            return S + V + O + X
        if self.order == "SOV":
            return S + X + O + V
        return V + S + O + X

    # -- sentences --------------------------------------------------------------------------------
    def event(self, ev: Event, front: bool = False) -> list[Token]:
        S = self.name(ev.subject)
        V = self.verb_group(ev)
        O = self.np(ev.obj, "acc", ev.adj, ev.number, ev.plural) if ev.obj else []
        X = self.pp("com", ev.companion) if ev.companion else []
        if ev.place and not front:
            X = X + self.pp("loc", ev.place)
        body = self.arrange(S, V, O, X)
        if ev.place and front:
            body = self.pp("loc", ev.place, fronted=True) + [_tok(",", "PUNCT", ",")] + body
        return body + [_tok(".", "PUNCT", ".")]

    def subject_np(self, cid: str) -> tuple[list[Token], int]:
        if cid in self.w.names:
            return self.name(cid), 0
        return self.np(cid, "nom"), self.w.noun_class[cid]

    def state_parts(self, st: State) -> tuple[list[Token], list[Token], list[Token]]:
        S, cls = self.subject_np(st.subject)
        A = [_tok(self.adj_form(st.pred, cls, "nom", False), "ADJ", "S[adj]\\NP")]
        if self.lang == "en":
            C = [_tok(self.g["cop"], "AUX", "(S\\NP)/(S[adj]\\NP)")]
            if st.negated:
                C.append(_tok("not", "PART", "(S[adj]\\NP)/(S[adj]\\NP)"))
            return S, C, A
        ctag = {"SVO": "(S\\NP)/(S[adj]\\NP)", "SOV": "(S\\NP)\\(S[adj]\\NP)", "VSO": "(S/(S[adj]\\NP))/NP"}[self.order]
        if st.negated and self.g["neg_kind"] == "verb suffix":
            return S, [_tok(self.g["cop"] + self.g["neg"], "AUX", ctag)], A
        C = [_tok(self.g["cop"], "AUX", ctag)]
        if st.negated:
            C = [_tok(self.g["neg"], "PART", "(S\\NP)/(S\\NP)" if self.order != "VSO" else "(S/NP)/(S/NP)")] + C
        return S, C, A

    def arrange_state(self, S, C, A) -> list[Token]:
        if self.order == "SVO":
            return S + C + A
        if self.order == "SOV":
            return S + A + C
        return C + S + A

    def state(self, st: State) -> list[Token]:
        return self.arrange_state(*self.state_parts(st)) + [_tok(".", "PUNCT", ".")]

    def wh(self, kind: str, tag: str, upos: str = "PRON") -> list[Token]:
        return [_tok(w, upos, tag) for w in self.g["wh"][kind]]

    def question(self, q: Question) -> list[Token]:
        end = ([_tok(self.g["qpart"], "PART", "S[q]\\S")] if self.g["qpart"] else []) + [_tok("?", "PUNCT", ".")]
        if q.kind == "next":
            words = self.g["next"]
            toks = [
                _tok(words[0], "PRON", "S[wq]/(S\\NP)"),
                _tok(words[1], "VERB", "S\\NP"),
                _tok(words[2], "ADV", "(S\\NP)\\(S\\NP)"),
            ]
            return toks + end
        if q.kind == "why":
            st = replace(q.state, negated=False)
            S, C, A = self.state_parts(st)
            if self.lang == "en":
                return (
                    [_tok("why", "ADV", "S[wq]/S[q]"), _tok(self.g["cop"], "AUX", "(S[q]/(S[adj]\\NP))/NP")]
                    + S
                    + A
                    + end
                )
            W = self.wh("why", "S[wq]/S[q]" if self.g["wh_front"] else "(S\\NP)/(S\\NP)", "ADV")
            if self.g["wh_front"]:
                return W + self.arrange_state(S, C, A) + end
            return S + W + A + C + end  # SOV in situ: S why ADJ COP
        ev = replace(q.event, negated=False)
        if q.kind not in ("who", "what", "where", "how_many"):
            raise ValueError(f"unknown question kind {q.kind!r}; expected one of {', '.join(QUESTION_KINDS)}")
        if q.kind in ("what", "how_many") and not ev.obj:
            raise ValueError(f"a {q.kind!r} question needs a transitive event, got {ev}")
        tr = self.w.transitive(ev.verb)
        pl = ev.plural or ev.number is not None
        if self.lang == "en":
            did = _tok("did", "AUX", "(S[q]/(S\\NP))/NP")
            base = _tok(self.verb_form(ev.verb, pl, base=True), "VERB", self.verb_ccg(tr))
            S = self.name(ev.subject)
            if q.kind == "who":
                O = self.np(ev.obj, "acc", plural=pl) if ev.obj else []
                return (
                    self.wh("who", "S[wq]/(S\\NP)")
                    + [_tok(self.verb_form(ev.verb, pl), "VERB", self.verb_ccg(tr))]
                    + O
                    + end
                )
            if q.kind == "what":
                return self.wh("what", "S[wq]/(S[q]/NP)") + [did] + S + [base] + end
            if q.kind == "where":
                O = self.np(ev.obj, "acc", plural=pl) if ev.obj else []
                return self.wh("where", "S[wq]/S[q]", "ADV") + [did] + S + [base] + O + end
            head = _tok(self.noun_form(ev.obj, "acc", True, False), "NOUN", "N")
            return [_tok("how", "ADV", "(N/N)/(N/N)"), _tok("many", "ADJ", "N/N"), head, did] + S + [base] + end
        front = self.g["wh_front"]
        S = self.name(ev.subject)
        V = [_tok(self.verb_form(ev.verb, pl), "VERB", self.verb_ccg(tr))]
        O = self.np(ev.obj, "acc", plural=pl) if ev.obj else []
        if q.kind == "who":
            W = self.wh("who", "S[wq]/(S\\NP)" if front else "NP")
            if front and self.order == "VSO":
                return W + V + O + end
            return self.arrange(W, V, O, []) + end
        if q.kind == "what":
            W = self.wh("what", "S[wq]/(S[q]/NP)" if front else "NP")
            return (W + self.arrange(S, V, [], []) if front else self.arrange(S, V, W, [])) + end
        if q.kind == "where":
            W = self.wh("where", "S[wq]/S[q]" if front else "(S\\NP)/(S\\NP)", "ADV")
            return (W + self.arrange(S, V, O, []) if front else self.arrange(S, V, O, W)) + end
        # how many: the question word takes the number's place before the (plural or numeral-form) noun
        W = self.wh("how_many", "(S[wq]/(S[q]/NP))/N" if front else "N/N", "ADV")
        head = [_tok(self.noun_form(ev.obj, "acc", True, True), "NOUN", "N")]
        if front:
            return W + head + self.arrange(S, V, [], []) + end
        return self.arrange(S, V, W + head, []) + end


def realize(world: World, event: Meaning, lang: str, *, synonyms: bool = False, front: bool = False) -> list[Token]:
    """Return the tokens (text, UPOS, NER, CCG) of ``event`` (an Event, State or Question) in ``lang``.

    ``synonyms`` uses each concept's second word where it has one; ``front`` moves the place phrase of
    an event to the front ("in X , ..."). Both only change the surface form, never the meaning.
    """
    L = _check_lang(lang)
    r = _Realizer(world, lang, synonyms)
    if isinstance(event, Event):
        toks = r.event(event, front=front)
    elif isinstance(event, State):
        toks = r.state(event)
    elif isinstance(event, Question):
        toks = r.question(event)
    else:
        raise TypeError(f"cannot realise {type(event).__name__}; expected Event, State or Question")
    if L.script != "Latin":
        toks = [t._replace(text=_translit_word(t.text, L.script)) for t in toks]
    return toks


def sentence(tokens: list[Token]) -> str:
    """Return the sentence string of ``tokens`` (joined by single spaces)."""
    return " ".join(t.text for t in tokens)


def say(world: World, meaning: Meaning, lang: str, **kwargs) -> str:
    """Return the sentence string realising ``meaning`` in ``lang`` (``realize`` then ``sentence``)."""
    return sentence(realize(world, meaning, lang, **kwargs))


def noun_word(world: World, noun: str, lang: str) -> str:
    """Return the citation form (nominative singular, no article) of ``noun`` in ``lang``."""
    L = _check_lang(lang)
    text = _Realizer(world, lang).noun_form(noun, "nom", False, False)
    return _translit_word(text, L.script) if L.script != "Latin" else text

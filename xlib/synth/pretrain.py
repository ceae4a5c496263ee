"""Phase (i) of the miniature: a tokenizer and a tiny XLM-R-architecture MLM pretrained on synthetic text.

Both are saved with ``save_pretrained`` and loaded with ``from_pretrained`` (the code path that
loads ``xlm-roberta-large`` from the hub). The build is deterministic for a given configuration and
cached under a directory named by the configuration's hash; later runs reuse it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..paths import cache_root

PRETRAIN_VERSION = 2  # bump when the synthetic corpus or the build changes (2: SentencePiece, pinned threads)


@dataclass(frozen=True)
class PretrainConfig:
    """Size of the synthetic corpus, tokenizer and model, and the MLM training budget."""

    languages: tuple[str, ...] = ()  # empty: every synthetic language
    sentences_per_language: int = 20000
    vocab_size: int = 4000
    hidden_size: int = 128
    num_layers: int = 4
    num_heads: int = 4
    intermediate_size: int = 512
    max_length: int = 64  # tokens per pretraining sequence (sentences are packed)
    steps: int = 2000
    batch_size: int = 64
    learning_rate: float = 5e-4
    warmup_ratio: float = 0.06
    mlm_probability: float = 0.15
    seed: int = 0
    threads: int = 2  # torch CPU threads of the build: the floats depend on it
    # extra code-switched documents per non-English language, as a fraction of its own documents, in each
    # direction (its sentences with English words; English sentences with its words): xlib/synth/code_switch.py
    code_switch_fraction: float = 0.0
    # extra documents of near-repeats per language (a sentence, then a copy with one edit), as a fraction of
    # its own documents: xlib/synth/edit_pairs.py
    edit_pair_fraction: float = 0.0
    # extra parallel documents per non-English language (English passage + the same passage in the language,
    # XLM's translation language modelling), as a fraction of its own documents: xlib/synth/parallel.py
    parallel_fraction: float = 0.0

    @classmethod
    def from_dict(cls, values: dict | None) -> "PretrainConfig":
        """Return a config from a params mapping, rejecting unknown keys with their names."""
        values = dict(values or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(
                f"unknown pretrain option(s) {', '.join(unknown)}; expected some of {', '.join(sorted(known))}"
            )
        if "languages" in values:
            values["languages"] = tuple(values["languages"] or ())
        return cls(**values)

    def key(self) -> str:
        """Return a short hash naming this configuration's cache directory."""
        values = asdict(self)
        for option in ("code_switch_fraction", "edit_pair_fraction", "parallel_fraction"):
            if not values[option]:  # off: the hash of the settings from before the option
                del values[option]
        blob = json.dumps({"v": PRETRAIN_VERSION, **values}, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


def _languages(cfg: PretrainConfig) -> list[str]:
    from .languages import LANGUAGES

    return list(cfg.languages or LANGUAGES)


def _documents(cfg: PretrainConfig) -> list[str]:
    """Return the monolingual corpus with consecutive sentences of one language packed into documents.

    With ``code_switch_fraction`` > 0, each non-English language also adds that fraction of its
    documents code-switched into English and as many English documents (an English stream of their
    own) code-switched into the language; with ``edit_pair_fraction`` > 0, every language adds that
    fraction of its documents as near-repeat pairs; with ``parallel_fraction`` > 0, each non-English
    language adds that fraction of its documents as English-language parallel passages.
    """
    from .code_switch import code_switched
    from .edit_pairs import edit_pair_documents
    from .parallel import parallel_documents
    from .sampling import monolingual_corpus

    step = 4  # sentences per document

    def pack(sentences: list[str]) -> list[str]:
        return [" ".join(sentences[i : i + step]) for i in range(0, len(sentences), step)]

    docs = []
    for index, lang in enumerate(_languages(cfg)):
        sentences = monolingual_corpus(lang, cfg.sentences_per_language, seed=cfg.seed)
        docs += pack(sentences)
        if lang != "en" and cfg.code_switch_fraction:
            n = round(cfg.code_switch_fraction * len(sentences) / step) * step
            docs += pack(code_switched(lang, sentences[:n], "en", cfg.seed))
            english = monolingual_corpus("en", n, seed=cfg.seed + 1000 + index)
            docs += pack(code_switched("en", english, lang, cfg.seed))
        if cfg.edit_pair_fraction:
            docs += edit_pair_documents(lang, round(cfg.edit_pair_fraction * len(sentences) / step), cfg.seed)
        if lang != "en" and cfg.parallel_fraction:
            docs += parallel_documents(lang, round(cfg.parallel_fraction * len(sentences) / step), cfg.seed)
    return docs


def train_tokenizer(texts: list[str], vocab_size: int):
    """Return an ``XLMRobertaTokenizer`` whose unigram vocabulary SentencePiece trained on ``texts``.

    SentencePiece's unigram trainer (the one that built XLM-R's own vocabulary) runs on one thread,
    so the same texts give the same pieces, scores and ids on every machine and under any load. The
    ``tokenizers`` library's ``UnigramTrainer`` does not: its scores and piece order change from one
    process to the next (hash-map iteration order), even single-threaded, which changed every
    piece's id and so the pretrained model itself between two builds.
    """
    import io

    import sentencepiece as spm
    from transformers import XLMRobertaTokenizer

    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts),
        model_writer=proto,
        vocab_size=vocab_size,
        model_type="unigram",
        num_threads=1,
        seed_sentencepiece_size=1_000_000,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        character_coverage=1.0,
        max_sentencepiece_length=12,
        shrinking_factor=0.75,
        normalization_rule_name="identity",
        add_dummy_prefix=True,
        split_by_whitespace=True,
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
        user_defined_symbols=["<mask>"],
        hard_vocab_limit=False,
        minloglevel=2,
    )
    model = spm.SentencePieceProcessor(model_proto=proto.getvalue())
    vocab = [(model.id_to_piece(i), float(model.get_score(i))) for i in range(model.get_piece_size())]
    if [p for p, _ in vocab[:5]] != specials:
        raise RuntimeError(f"SentencePiece put the special tokens at {vocab[:5]}; expected {specials} first")
    return XLMRobertaTokenizer(vocab=vocab)


def build(cfg: PretrainConfig, out_dir: Path, log=print) -> dict:
    """Train tokenizer and MLM into ``out_dir`` and return a summary (losses, seconds, parameters).

    The build is a function of ``cfg`` alone: it runs on the CPU with ``cfg.threads`` torch threads
    (whatever the caller's setting, restored afterwards), so ``tokenizer.json`` and
    ``model.safetensors`` are the same bytes on every build of one machine, under any load.
    """
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(cfg.threads)
    try:
        return _build(cfg, out_dir, log)
    finally:
        torch.set_num_threads(threads)


def _build(cfg: PretrainConfig, out_dir: Path, log) -> dict:
    """Return :func:`build`'s summary; the caller has pinned torch's threads to ``cfg.threads``."""
    from datasets import Dataset
    from datasets.utils.logging import disable_progress_bar
    from transformers import (
        DataCollatorForLanguageModeling,
        Trainer,
        TrainingArguments,
        XLMRobertaConfig,
        XLMRobertaForMaskedLM,
        set_seed,
    )

    disable_progress_bar()
    start = time.time()
    set_seed(cfg.seed)
    docs = _documents(cfg)
    tokenizer = train_tokenizer(docs, cfg.vocab_size)
    log(f"tokenizer: {len(tokenizer)} pieces from {len(docs)} documents ({time.time() - start:.1f}s)")
    config = XLMRobertaConfig(
        vocab_size=len(tokenizer),
        hidden_size=cfg.hidden_size,
        num_hidden_layers=cfg.num_layers,
        num_attention_heads=cfg.num_heads,
        intermediate_size=cfg.intermediate_size,
        max_position_embeddings=max(cfg.max_length, 512) + 2,
        type_vocab_size=1,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
    )
    model = XLMRobertaForMaskedLM(config)
    data = Dataset.from_dict({"text": docs}).map(
        lambda b: tokenizer(b["text"], truncation=True, max_length=cfg.max_length, return_special_tokens_mask=True),
        batched=True,
        remove_columns=["text"],
    )
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=cfg.mlm_probability, seed=cfg.seed)
    work = Path(tempfile.mkdtemp(prefix="xlib-pretrain-"))
    args = TrainingArguments(
        output_dir=str(work),
        max_steps=cfg.steps,
        per_device_train_batch_size=cfg.batch_size,
        learning_rate=cfg.learning_rate,
        warmup_steps=int(cfg.warmup_ratio * cfg.steps),
        weight_decay=0.01,
        lr_scheduler_type="linear",
        logging_steps=max(1, cfg.steps // 10),
        save_strategy="no",
        report_to=[],
        seed=cfg.seed,
        data_seed=cfg.seed,
        dataloader_num_workers=0,
        use_cpu=True,
        disable_tqdm=True,
    )
    trainer = Trainer(model=model, args=args, train_dataset=data, data_collator=collator)
    result = trainer.train()
    shutil.rmtree(work, ignore_errors=True)
    losses = [e["loss"] for e in trainer.state.log_history if "loss" in e]
    model.save_pretrained(out_dir, safe_serialization=True)
    tokenizer.save_pretrained(out_dir)
    summary = {
        "config": asdict(cfg),
        "key": cfg.key(),
        "documents": len(docs),
        "losses": losses,
        "train_loss": result.training_loss,
        "parameters": sum(p.numel() for p in model.parameters()),
        "seconds": time.time() - start,
    }
    (out_dir / "pretrain.json").write_text(json.dumps(summary, indent=1))
    log(
        f"pretrained {summary['parameters']:,} parameters in {summary['seconds']:.0f}s; "
        f"MLM loss {losses[0] if losses else float('nan'):.2f} -> {losses[-1] if losses else float('nan'):.2f}"
    )
    return summary


SHIPPED_MODEL = Path(__file__).resolve().parents[1] / "data" / "miniature_model"


def shipped_model(cfg: PretrainConfig) -> Path | None:
    """Return the shipped pretrained model's directory if it was built from ``cfg``, else None.

    ``xlib/data/miniature_model/`` holds the output of :func:`build` for ``params/miniature.yaml``'s
    pretrain settings (``python tools/shipped_model.py`` rebuilds it and compares the bytes), so the
    default study does not spend its budget on pretraining. It is used only when its recorded
    configuration hash equals ``cfg.key()``, and never when ``XLIB_SHIPPED_MODEL=0``.
    """
    if os.environ.get("XLIB_SHIPPED_MODEL", "1") == "0":
        return None
    try:
        recorded = json.loads((SHIPPED_MODEL / "pretrain.json").read_text())
    except (OSError, ValueError):
        return None
    return SHIPPED_MODEL if recorded.get("key") == cfg.key() else None


def ensure_pretrained(cfg: PretrainConfig | dict | None = None, root: Path | None = None, log=print) -> Path:
    """Return the directory of the pretrained miniature model for ``cfg``, building it once if absent.

    A build of exactly these settings that is shipped with xlib (:func:`shipped_model`) is copied instead.
    """
    cfg = cfg if isinstance(cfg, PretrainConfig) else PretrainConfig.from_dict(cfg)
    root = Path(root) if root else cache_root()
    final = root / f"synth-mlm-{cfg.key()}"
    if (final / "pretrain.json").exists():
        return final
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{final.name}-", dir=root))
    try:
        if shipped_model(cfg) is not None:
            log(f"copying the shipped miniature model ({SHIPPED_MODEL}, built from these settings) to {final}")
            for f in sorted(SHIPPED_MODEL.iterdir()):
                if f.is_file():
                    shutil.copyfile(f, tmp / f.name)
        else:
            log(f"building the miniature's pretrained model in {final} (once; later runs reuse it)")
            build(cfg, tmp, log=log)
        try:
            os.rename(tmp, final)
        except OSError:  # another process finished the same build first: keep theirs
            if not (final / "pretrain.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final

"""The embedded miniature: synthetic languages (``languages``), task generators (``tasks``) and the
tiny pretrained model (``pretrain``). See ``docs/miniature.md``."""

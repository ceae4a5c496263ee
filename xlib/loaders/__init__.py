"""Readers of every task's original release format and of its Hugging Face hub copy.

``common`` holds the shared readers (JSON, JSON lines, TSV, CoNLL, SQuAD JSON), ``hub`` the hub wrapper;
``sources`` resolves where a task's files are (``data_dir`` / ``data_files`` options); one module
per XTREME / XTREME-R task family turns the files into the canonical schema of ``xlib.formats``.
"""

"""xlib: the helper package of the intermediate-task / XTREME-R transfer study (notebooks call into it)."""

__version__ = "0.1.0"

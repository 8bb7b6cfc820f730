"""Per-page message catalogues; lib.i18n merges every module of this package into one catalogue.

Each module defines MESSAGES = {key: {"en": ..., "zh": ...}} with keys prefixed by its page.
"""

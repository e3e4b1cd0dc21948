"""The paper a report is printed on: the reader's, from their locale, unless set.

Paper sizes: ISO 216 A4 (210 x 297 mm) almost everywhere; US Letter (8.5 x 11 in) in the
regions that use it (the United States, Canada, Mexico, the Philippines and several countries of
Central and South America; CLDR's paper-size data, ``supplementalData.xml`` ``paperSize``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Literal

__all__ = ["Paper", "paper_for_locale", "readers_paper"]

Paper = Literal["a4", "letter"]

# CLDR's territories whose paper size is US Letter (supplementalData.xml, paperSize).
_LETTER = frozenset({"BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV",
                     "US", "VE"})  # fmt: skip
_REGION = re.compile(r"^[a-zA-Z]{2,3}[-_]([a-zA-Z]{2})\b")


def paper_for_locale(name: str | None) -> Paper | None:
    """The paper of a locale or language tag ("en_US.UTF-8", "en-GB", "fr"): Letter or A4 by
    its region; None when it names no region ("C", "fr")."""
    found = _REGION.match((name or "").strip())
    if found is None:
        return None
    return "letter" if found[1].upper() in _LETTER else "a4"


def readers_paper(
    setting: str = "auto", *, accept_language: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> Paper:  # fmt: skip
    """The paper to print on: ``setting`` when it is ``a4`` or ``letter``; else (``auto``) the
    first region in a browser's ``Accept-Language`` header, then the locale of this process
    (``LC_ALL``, ``LC_PAPER``, ``LANG``), then A4.

    Raises:
        ValueError: ``setting`` is none of auto, a4 and letter.
    """
    if setting in ("a4", "letter"):
        return setting  # type: ignore[return-value]
    if setting != "auto":
        raise ValueError(f"paper is auto, a4 or letter, not {setting!r}")
    for tag in (accept_language or "").split(","):
        if (paper := paper_for_locale(tag.split(";")[0])) is not None:
            return paper
    env = os.environ if environ is None else environ
    for key in ("LC_ALL", "LC_PAPER", "LANG"):
        if (paper := paper_for_locale(env.get(key))) is not None:
            return paper
    return "a4"

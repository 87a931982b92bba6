"""Hear the people: offline handling of consultation answers and workshop notes.

So far: :mod:`fairer.voices.redact`, which removes personal data from free text before it is
stored. Import, coding, themes and the report section are to follow (issue "Hear the people").
"""

from fairer.voices.redact import Redaction, redact, redact_many

__all__ = ["Redaction", "redact", "redact_many"]

"""Hear the people: offline handling of consultation answers and workshop notes.

:mod:`~fairer.voices.importing` reads surveys, platform exports and workshop write-ups
(:mod:`~fairer.voices.survey`, :mod:`~fairer.voices.platforms`, :mod:`~fairer.voices.notes`),
with personal data removed by :mod:`~fairer.voices.redact` before anything is stored;
:mod:`~fairer.voices.coding` codes statements against a codebook and learns from the analyst;
:mod:`~fairer.voices.themes` finds themes; :mod:`~fairer.voices.campaigns` groups template
responses; :mod:`~fairer.voices.summary` says who was (not) heard; :mod:`~fairer.voices.run`
ties them to a consultation folder for the CLI and the hub. Text representations, all offline,
are in :mod:`~fairer.voices.embed`.
"""

from fairer.voices.redact import Redaction, redact, redact_many

__all__ = ["Redaction", "redact", "redact_many"]

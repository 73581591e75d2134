"""Evidence kinds: one registry entry per kind of record a finding can cite.

`compliance.evidence.kinds.KINDS` lists them; each entry (`registry.Kind`) says how its records
are loaded (always within one office), labelled, shown on the case page, printed in the
dossier and who recorded them. Adding a kind is one new module here and one line in `kinds`.
This package sits above the record domains and below findings, cases and dossiers.
"""

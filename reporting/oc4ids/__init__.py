"""Our projects as OC4IDS 0.9 (Open Contracting for Infrastructure Data Standard) project packages.

`mapping` maps (docs/OC4IDS.md lists it field by field); `schema/` holds the standard's schema and
codelists the tests validate against, and the schema of our `shuitou` extension object.
"""

"""The period's progress briefing, in the county's language and in the seed report's style.

`figures` computes (one fixed set of queries), `wording` words through editable templates, `docx` lays
the same text out as a Word document; `reporting.api.briefing_views` serves all three.
"""

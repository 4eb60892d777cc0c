"""Render stage: the model as website sources (MkDocs) and as print jobs (HTML for WeasyPrint)."""

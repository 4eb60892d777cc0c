"""Localization: translation status, PO files and new languages, over loaded sources."""

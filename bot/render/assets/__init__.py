"""Fonts and symbol data shipped with the renderer (licences and sources in NOTICE.txt)."""

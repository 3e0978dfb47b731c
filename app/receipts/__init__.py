"""Receipts: the files kept with expenses, and reading them with Tesseract on this machine."""

"""Recurring expenses: rules on a ledger (services), the posting that makes their occurrences
exactly once (posting), and their pages (routes, which holds the blueprint so that app.access can
import the posting without the pages)."""

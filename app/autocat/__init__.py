"""Categories that fill themselves (issue 20).

- `plain_words`: quick add's one line ("coffee 4.50 yesterday") read into an expense; pure.
- `rule_match`: a ledger's rules (conditions and actions) matched against one expense; pure.
- `classifier`: a naive Bayes model learned from a ledger's own categorised expenses; pure.
"""

"""The recurring expenses' pages (routes, forms). The rules themselves are app/recurring_rules.py
and their posting app/recurring_posting.py: the dashboard, budgets, reports, the API and
app.access use those too, so they live beside the other shared modules."""

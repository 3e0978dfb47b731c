"""What is left to spend each day of a budget period once the bills still due are paid: pure.

safe to spend per day = (budget − spent − still due) ÷ days left, rounded down to the minor unit
(so that spending it every day never goes past the budget), and never below nothing. Days left
count today. The parts travel with the result so that pages can show the arithmetic.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class SafeToSpend:
    budget_cents: int
    spent_cents: int
    due_cents: int  # what recurring rules will still post in the period
    days_left: int  # today included; 0 once the period is over

    @property
    def projected_cents(self) -> int:
        """What the period will have cost: spent so far plus still due."""
        return self.spent_cents + self.due_cents

    @property
    def left_cents(self) -> int:
        """The budget less spent and still due; negative when the budget will be overspent."""
        return self.budget_cents - self.projected_cents

    @property
    def per_day_cents(self) -> int:
        if self.days_left <= 0 or self.left_cents <= 0:
            return 0
        return self.left_cents // self.days_left

    @property
    def overspent(self) -> bool:
        return self.left_cents < 0

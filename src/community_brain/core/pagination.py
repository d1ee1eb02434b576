"""A paginator for very long lists: it counts at most ``cap`` rows (a count over a million
rows costs more than the page itself), and says "10000+" beyond that."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    cap = 10_000

    @cached_property
    def count(self) -> int:
        # Unordered: the database may stop at the cap instead of sorting every match.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def count_label(self) -> str:
        return f"{self.cap}+" if self.capped else str(self.count)

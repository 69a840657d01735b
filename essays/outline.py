"""Where an essay stands in its series as readers may know it: "Part 3 of 7", what comes before
and after, and which essays are still to come."""

from dataclasses import dataclass

from .models import Essay


@dataclass
class OutlineEntry:
    """An essay as an outline names it: enough to number it and link to it."""

    pk: int
    title: str
    slug: str
    series_position: int
    is_live: bool

    get_absolute_url = Essay.get_absolute_url


@dataclass
class SeriesOutline:
    # In series order, from Essay.objects.in_series_outline() (each has is_live): essays, or
    # OutlineEntry rows on an essay's page (essays.reads).
    essays: list

    def __post_init__(self):
        for part, essay in enumerate(self.essays, start=1):
            essay.part = part

    @property
    def total(self) -> int:
        return len(self.essays)

    @property
    def live(self) -> list:
        return [essay for essay in self.essays if essay.is_live]

    @property
    def forthcoming(self) -> list:
        return [essay for essay in self.essays if not essay.is_live]

    def part_of(self, essay) -> int | None:
        """The essay's number in the outline; None for an essay readers do not know of."""
        return next((entry.part for entry in self.essays if entry.pk == essay.pk), None)

    def previous_of(self, essay):
        """The nearest essay before `essay` that readers may open."""
        earlier = [e for e in self.live if e.series_position < essay.series_position]
        return earlier[-1] if earlier else None

    def next_of(self, essay):
        """The nearest essay after `essay` that readers may open."""
        later = [e for e in self.live if e.series_position > essay.series_position]
        return later[0] if later else None

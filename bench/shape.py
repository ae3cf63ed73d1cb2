"""The size of the benchmark data set, at full size or a fraction of it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchShape:
    offices: int = 200
    projects: int = 100_000
    family_share: float = 0.08  # top-level projects with children; about a fifth of all projects then hang in trees
    work_items: int = 300_000
    milestones: int = 1_000_000
    land_rows: int = 100_000
    demolition_rows: int = 100_000
    reports: int = 1_000_000

    @classmethod
    def at_scale(cls, scale: float) -> "BenchShape":
        full = cls()
        return cls(
            offices=max(2, round(full.offices * min(1.0, scale * 10))),
            projects=max(20, round(full.projects * scale)),
            work_items=max(60, round(full.work_items * scale)),
            milestones=max(200, round(full.milestones * scale)),
            land_rows=max(20, round(full.land_rows * scale)),
            demolition_rows=max(20, round(full.demolition_rows * scale)),
            reports=max(200, round(full.reports * scale)),
        )

"""Small synthetic scenarios with a sweep: section, shared by the sweep, sensitivity and advice tests."""

from __future__ import annotations

from tests.conftest import two_party


def toy_sweep(design: str = "grid", points: int = 4, replications: int = 60, **over: object) -> dict:
    """The two-party toy with two levers: the power's outside option (strong) and the host's
    capability (does nothing under alternating offers with rotation)."""
    data = two_party(**over)
    data["sweep"] = {
        "design": design,
        "points": points,
        "replications": replications,
        "levers": [
            {"name": "bonus", "target": "actors.power.outside_option.bonus", "low": 0.0, "high": 0.6, "cost": 1.0},
            {"name": "host_capability", "target": "actors.host.capability", "low": 0.5, "high": 5.0, "cost": 0.1},
        ],
    }
    return data

"""Near-repeat alerts as staff see them: grouped by burglary, each with its watch groups.

`analytics` prepares the alerts but sits below `watch`, which knows the active groups and
sends the messages, so it cannot ask watch directly. Watch registers its answer here in its
AppConfig.ready (as it registers its start-page figures in `accounts.dashboard`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tryggve.analytics.models import Incident, NearRepeatAlert

# alerts -> {alert pk: what the watch app knows of that alert (groups, contacts, sent)}
GroupProvider = Callable[[list[NearRepeatAlert]], dict]
_providers: list[GroupProvider] = []


def register_group_provider(provider: GroupProvider) -> None:
    """Let `provider` tell, for a list of alerts, which active groups each reaches."""
    if provider not in _providers:
        _providers.append(provider)


def alerts_by_incident(
    alerts: Iterable[NearRepeatAlert],
) -> list[tuple[Incident, list[NearRepeatAlert]]]:
    """The alerts grouped by their burglary, newest first, each with `.groups` set.

    `.groups` is the registered provider's answer for that alert, or None when no app
    registered one. Expects the alerts with `incident` and `area` selected.
    """
    alerts = list(alerts)
    answers: dict = {}
    for provider in _providers:
        answers.update(provider(alerts))
    grouped: dict[int, tuple[Incident, list[NearRepeatAlert]]] = {}
    for alert in alerts:
        alert.groups = answers.get(alert.pk)
        grouped.setdefault(alert.incident_id, (alert.incident, []))[1].append(alert)
    return list(grouped.values())

"""Who may do what in a place: the hub's one permission rule, checked by every view.

=========  ==============================================  ==========================
role       may read                                        may write
=========  ==============================================  ==========================
owner      everything in the place                         everything, users, settings
analyst    everything in the place                         everything but users/settings; publish
partner    everything in the place                         their organisation's assets, actions,
                                                           learning; comments; uploads
community  everything in the place                         comments; uploads (workshop notes)
public     the place at a glance, if the owner allows it   nothing
=========  ==============================================  ==========================

Someone who is not a member of a place gets 404 for it (its existence is not disclosed);
a member asking for what their role may not do gets 403.
"""

from __future__ import annotations

from dataclasses import dataclass

#: verbs a role may perform anywhere in its place
ROLE_VERBS = {
    "owner": {"read", "comment", "upload", "edit_any", "edit_own", "publish", "manage", "review"},
    "analyst": {"read", "comment", "upload", "edit_any", "edit_own", "publish", "review"},
    "partner": {"read", "comment", "upload", "edit_own"},
    "community": {"read", "comment", "upload"},
    "public": {"glance"},
}
for _verbs in ROLE_VERBS.values():
    if "read" in _verbs:
        _verbs.add("glance")


@dataclass(frozen=True)
class Access:
    """A user's standing in one place: their role (``public`` for anonymous readers) and
    organisation (``None`` when they belong to none)."""

    role: str
    organisation_id: int | None = None

    def may(self, verb: str) -> bool:
        """Whether the role allows ``verb`` in the place.

        Examples
        --------
        >>> Access('partner', 3).may('edit_own'), Access('community').may('edit_own')
        (True, False)
        """
        return verb in ROLE_VERBS.get(self.role, set())

    def may_edit(self, obj) -> bool:
        """Whether this user may change ``obj`` (an asset, action, milestone or learning entry):
        any object for owners and analysts, their own organisation's for partners.

        Examples
        --------
        >>> from types import SimpleNamespace
        >>> mine, theirs = SimpleNamespace(organisation_id=3), SimpleNamespace(organisation_id=4)
        >>> Access('partner', 3).may_edit(mine), Access('partner', 3).may_edit(theirs)
        (True, False)
        """
        if self.may("edit_any"):
            return True
        if not self.may("edit_own") or self.organisation_id is None:
            return False
        owner = getattr(obj, "organisation_id", None)
        if owner is None and hasattr(obj, "action"):  # a milestone belongs to its action's org
            owner = obj.action.organisation_id
        return owner == self.organisation_id

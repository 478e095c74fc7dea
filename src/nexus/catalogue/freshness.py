"""Which writes change the cached public list of teachers (``nexus.cache``, namespace
``catalogue-teachers``): any write to a user (name, role, activation) or a teacher profile.
The catalogue's offers are cached in the ``offers`` namespace (``nexus.offers.freshness``)."""

from __future__ import annotations

from nexus.accounts.models import User
from nexus.cache import Watch
from nexus.people.models import TeacherProfile

TEACHERS = "catalogue-teachers"

WATCHES: dict[type, Watch] = {User: Watch(TEACHERS), TeacherProfile: Watch(TEACHERS)}

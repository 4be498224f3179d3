"""Every model of the training domain, imported in one place so metadata is complete for Alembic."""
from courses.catalogue.models import Category, Course, Topic  # noqa: F401
from courses.reports.models import ReportDispatch  # noqa: F401
from courses.scheduling.models import CalendarToken, ClassRun, ClassSession, Instructor, Room, Venue  # noqa: F401
from courses.tracks.models import (Track, TrackExamResult, TrackHolding, TrackLevel,  # noqa: F401
                                   TrackLicence, TrackMembership, TrackReminder, TrackRequirement)
from courses.online.models import OnlinePackage, OnlineRegistration, OnlineUnit, UnitProgress  # noqa: F401

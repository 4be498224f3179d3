"""Scheduling policies: administrators plan runs, sessions, venues and instructors; everyone signed in reads.
Meeting links go to signed-in users only (learners' bookings will narrow this with enrolment)."""
from __future__ import annotations

from courses.permissions import register_read_all
from courses.scheduling.models import ClassRun, ClassSession, Instructor, Room, Venue

register_read_all(ClassRun, ClassSession, Instructor, Room, Venue)

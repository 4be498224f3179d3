"""Class runs (班期), their sessions, venues, rooms and instructors; the annual plan and calendars."""

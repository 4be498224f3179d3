"""Supervisor and administrator reports: compliance by unit and person, forecasts, topic campaigns, the
city dashboard, charts, streamed exports, reminders and the monthly report e-mail."""

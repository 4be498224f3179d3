"""Attendance: rotating check-in codes and QR codes per session, roster marking, meeting-tool CSV imports."""

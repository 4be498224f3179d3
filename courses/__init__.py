"""The training domain: catalogue, scheduling, enrolment, attendance, certification, subsidies."""

"""The office calendar: which days are working days (public holidays and 调休 included)."""

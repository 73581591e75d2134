"""Service standards (rulebook articles 2–3): work orders, calls, emergencies, return visits,
lobby notices and fees, the records their clocks are judged on."""

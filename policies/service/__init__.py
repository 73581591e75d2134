"""The service standards of rulebook articles 2–3 (第2篇、第3篇): each standard as data, and
the pure evaluator of their clocks. Pure: no imports of the application."""

"""Screen read models: the figures a dashboard or overview page shows, beside those pages."""

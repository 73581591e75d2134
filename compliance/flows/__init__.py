"""Use cases that span domains: a record saved and judged at once, the nightly run."""

"""Operating the office's installation: backup and restore."""

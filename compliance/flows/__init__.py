"""Use cases that span domains (ARCHITECTURE.md): opening a case from a finding, proposing,
executing, a spot check judged, a record judged when saved, the nightly run, settling a
damage, showing a photo. Flows may import every domain; no domain imports a flow."""

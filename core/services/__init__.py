"""Use cases the CLI and the GUI both call."""

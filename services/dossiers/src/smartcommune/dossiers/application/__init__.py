"""Application layer: commands, their handlers (`COMMAND_HANDLERS`), views and statistics."""

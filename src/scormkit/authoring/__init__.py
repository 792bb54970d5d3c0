"""The designer's loop around `pack`: start a module (init), editor help (schema), check without writing (check)."""

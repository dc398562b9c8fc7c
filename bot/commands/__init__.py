"""How each order is typed: one module per slash command, the form reader and the button table."""

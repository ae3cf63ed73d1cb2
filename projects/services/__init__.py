"""The project domain's writes: one function per write, called by a view with the acting user."""

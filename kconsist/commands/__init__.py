"""One module per ``kconsist`` command, each a function with typed parameters that
returns the exit code. Only :mod:`kconsist.main` knows the command line."""

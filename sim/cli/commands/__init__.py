"""One module per CLI command; each defines ``add(subparsers)`` and a handler."""

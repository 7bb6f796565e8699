"""The `qfq` command line."""

"""Documents and data files → graph: read and check data/, then load it all or nothing."""

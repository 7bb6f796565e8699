"""Graph model: the data files' shape (model.py) and per-backend constraints and indexes."""

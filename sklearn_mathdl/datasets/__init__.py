"""Datasets shipped with the package (offline, for demos and tests)."""

from sklearn_mathdl.datasets._movie_snippets import load_movie_snippets

__all__ = ["load_movie_snippets"]

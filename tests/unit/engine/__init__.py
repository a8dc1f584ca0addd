"""Unit tests of the reference engine, one module per requirement area."""

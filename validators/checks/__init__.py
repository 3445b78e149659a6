"""Checks on canonical rows: elements, codes, consistency rules, clarity, and the catalog-level expectations engine."""

"""Shared foundations: the rule registry, the element model from the schema, canonical rows, Chinese numerals and item-name normalisation."""

"""Build configuration beyond pyproject.toml: the optional C accelerators.

``validators.read._xlsxcells`` classifies a sheet block's cells in one pass,
``validators.core._textedges`` tells whether a text column needs trimming at all, and
``validators.core._bloom`` runs the uniqueness index's Bloom filter.  Without a C compiler the
build skips them (``optional=True``): the XLSX reader then uses its numpy scan, ``trim_arrow``
trims every column with arrow and the filter runs in numpy, which give the same results more
slowly.
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("validators.read._xlsxcells", ["validators/read/_xlsxcells.c"], optional=True,
                             extra_compile_args=["-O2"]),
                   Extension("validators.core._textedges", ["validators/core/_textedges.c"], optional=True,
                             extra_compile_args=["-O2"]),
                   Extension("validators.core._bloom", ["validators/core/_bloom.c"], optional=True,
                             extra_compile_args=["-O2"])])
